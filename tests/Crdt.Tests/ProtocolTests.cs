using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;
using Xunit;

namespace Vibe.Crdt.Tests;

public sealed class ProtocolTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Two_peers_converge_through_sync_step1_and_step2()
    {
        var server = new Doc();
        server.GetText("t").Insert(0, "server ");
        var client = new Doc();
        client.GetText("t").Insert(0, "client");
        var serverEnd = new WebsocketMessages(server, new Awareness(server));
        var clientEnd = new WebsocketMessages(client, new Awareness(client));

        // Each side sends step 1; the other answers with step 2.
        var replyToClient = serverEnd.Handle(clientEnd.SyncStep1Frame(), "client");
        var replyToServer = clientEnd.Handle(serverEnd.SyncStep1Frame(), "server");
        Assert.NotNull(replyToClient);
        Assert.NotNull(replyToServer);
        Assert.Null(clientEnd.Handle(replyToClient!, "server"));
        Assert.Null(serverEnd.Handle(replyToServer!, "client"));
        Assert.Equal(server.GetText("t").ToString(), client.GetText("t").ToString());
        Assert.Equal(13, client.GetText("t").Length);
    }

    [Fact]
    public void Update_frames_carry_incremental_changes_with_origin()
    {
        var a = new Doc();
        var b = new Doc();
        var bEnd = new WebsocketMessages(b, new Awareness(b));
        object? seenOrigin = null;
        b.Update += (_, origin, _) => seenOrigin = origin;
        a.Update += (u, _, _) => bEnd.Handle(WebsocketMessages.UpdateFrame(u), "conn-1");
        a.GetMap("m").Set("k", "v");
        Assert.Equal("v", b.GetMap("m").Get("k"));
        Assert.Equal("conn-1", seenOrigin);
    }

    [Fact]
    public void Frame_kinds_tell_changes_from_requests_answered_with_state()
    {
        var doc = new Doc();
        doc.GetText("content").Insert(0, "x");
        var messages = new WebsocketMessages(doc, new Awareness(doc));
        var step1 = messages.SyncStep1Frame();
        var update = WebsocketMessages.UpdateFrame(Y.EncodeStateAsUpdate(doc));
        var awareness = WebsocketMessages.AwarenessFrame(messages.Awareness.EncodeUpdate());
        var query = WebsocketMessages.QueryAwarenessFrame();

        Assert.True(WebsocketMessages.IsStateRequest(step1));
        Assert.True(WebsocketMessages.IsStateRequest(query));
        Assert.False(WebsocketMessages.IsStateRequest(update));
        Assert.False(WebsocketMessages.IsStateRequest(awareness));
        Assert.False(WebsocketMessages.IsStateRequest(ReadOnlySpan<byte>.Empty));
        Assert.True(WebsocketMessages.IsChangeFrame(update));
        Assert.False(WebsocketMessages.IsChangeFrame(step1));
    }

    [Fact]
    public void Malformed_frames_are_rejected_with_a_typed_error()
    {
        var doc = new Doc();
        var end = new WebsocketMessages(doc, new Awareness(doc));
        Assert.Throws<CrdtFormatException>(() => end.Handle(new byte[] { 9 }, null));
        Assert.Throws<CrdtFormatException>(() => end.Handle(new byte[] { 0, 7 }, null));
        Assert.Throws<CrdtFormatException>(() => end.Handle(new byte[] { 0, 2, 50, 1 }, null));
        Assert.Throws<CrdtFormatException>(() => end.Handle(new byte[] { 1, 3, 1, 2, 3 }, null));
    }

    [Fact]
    public void Awareness_states_propagate_update_and_are_removed()
    {
        var time = new ManualTime();
        var a = new Awareness(new Doc(new DocOptions { ClientId = 1 }), time);
        var b = new Awareness(new Doc(new DocOptions { ClientId = 2 }), time);
        a.SetLocalState(new JsObject { ["user"] = "ann", ["cursor"] = 3.0 });
        AwarenessChange? change = null;
        b.Change += (c, _) => change = c;
        b.ApplyUpdate(a.EncodeUpdate(new long[] { 1 }), "net");
        Assert.Equal(new long[] { 1 }, change!.Added);
        Assert.Equal("ann", ((JsObject)b.States[1]!)["user"]);

        a.SetLocalStateField("cursor", 4);
        b.ApplyUpdate(a.EncodeUpdate(new long[] { 1 }), "net");
        Assert.Equal(new long[] { 1 }, change.Updated);
        Assert.Equal(4.0, ((JsObject)b.States[1]!)["cursor"]);

        a.SetLocalState(null);
        b.ApplyUpdate(a.EncodeUpdate(new long[] { 1 }), "net");
        Assert.Equal(new long[] { 1 }, change.Removed);
        Assert.False(b.States.ContainsKey(1));
    }

    [Fact]
    public void Remote_clients_silent_for_thirty_seconds_are_outdated()
    {
        var time = new ManualTime();
        var a = new Awareness(new Doc(new DocOptions { ClientId = 1 }), time);
        var b = new Awareness(new Doc(new DocOptions { ClientId = 2 }), time);
        a.SetLocalStateField("name", "ann"); // the initial clock-0 state is never sent, as in y-protocols
        b.ApplyUpdate(a.EncodeUpdate(), "net");
        Assert.True(b.States.ContainsKey(1));
        time.Now += TimeSpan.FromSeconds(29);
        b.CheckOutdated();
        Assert.True(b.States.ContainsKey(1));
        time.Now += TimeSpan.FromSeconds(1);
        b.CheckOutdated();
        Assert.False(b.States.ContainsKey(1));
        Assert.True(b.States.ContainsKey(2));
    }

    [Fact]
    public void Query_awareness_returns_all_states()
    {
        var doc = new Doc(new DocOptions { ClientId = 5 });
        var awareness = new Awareness(doc);
        awareness.SetLocalState(new JsObject { ["name"] = "srv" });
        var end = new WebsocketMessages(doc, awareness);
        var reply = end.Handle(WebsocketMessages.QueryAwarenessFrame(), null)!;
        var r = new Lib0Reader(reply);
        Assert.Equal(1, r.ReadVarUint());
        var other = new Awareness(new Doc(new DocOptions { ClientId = 6 }));
        other.ApplyUpdate(r.ReadVarBytes(), null);
        Assert.Equal("srv", ((JsObject)other.States[5]!)["name"]);
    }
}
