using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Vibe.Crdt;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;
using Vibe.Crdt.Updates;
using Microsoft.Extensions.DependencyInjection;
using Vibe.Grains.Documents;

namespace Vibe.Collab.Tests;

public sealed class HubTests(VibeNode node) : IClassFixture<VibeNode>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>A Yjs peer over the hub, as the browser's provider does it.</summary>
    sealed class HubPeer
    {
        public readonly Doc Doc = new();
        public readonly ConcurrentQueue<(string Code, string Message)> Rejections = new();
        readonly HubConnection _hub;
        string _documentId = "";

        public HubPeer(HubConnection hub)
        {
            _hub = hub;
            hub.On<string, byte[]>("Frame", (id, frame) =>
            {
                lock (Doc)
                {
                    var reply = new WebsocketMessages(Doc, new Awareness(Doc)).Handle(frame, "remote");
                    if (reply is not null)
                        _ = _hub.InvokeAsync("SendFrame", id, reply);
                }
            });
            hub.On<string, string, string>("FrameRejected", (_, code, message) => Rejections.Enqueue((code, message)));
            Doc.Update += (update, origin, tx) =>
            {
                if (origin as string != "remote" && _documentId.Length > 0)
                    _ = _hub.InvokeAsync("SendFrame", _documentId, WebsocketMessages.UpdateFrame(update));
            };
        }

        public string Text { get { lock (Doc) return Doc.GetText("content").ToString(); } }

        public async Task<Dictionary<string, object?>> JoinAsync(string project, string path)
        {
            var joined = await _hub.InvokeAsync<Dictionary<string, object?>>("JoinDocument", project, path);
            _documentId = (string)joined["documentId"]!;
            // Like a y-websocket client: ask for the server's state with our own sync step 1.
            var step1 = new Lib0Writer();
            step1.WriteVarUint(WebsocketMessages.MessageSync);
            lock (Doc)
                SyncProtocol.WriteSyncStep1(step1, Doc);
            await _hub.InvokeAsync("SendFrame", _documentId, step1.ToArray());
            return joined;
        }

        public void Insert(int index, string text)
        {
            lock (Doc)
                Doc.GetText("content").Insert(index, text);
        }
    }

    static async Task Until(Func<bool> condition, Func<string> message)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail(message());
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Joining_syncs_the_file_text_and_edits_reach_the_other_peer_and_rest()
    {
        var alice = await node.SignInAsync();
        var bob = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.AddMemberAsync(project, bob, "editor");
        await alice.PutAsync(project, "src/app.ts", "hello");

        var a = new HubPeer(await alice.ConnectHubAsync());
        var b = new HubPeer(await bob.ConnectHubAsync());
        await a.JoinAsync(project, "src/app.ts");
        await b.JoinAsync(project, "src/app.ts");
        await Until(() => a.Text == "hello" && b.Text == "hello", () => $"sync: a='{a.Text}' b='{b.Text}'");

        a.Insert(5, " world");
        await Until(() => b.Text == "hello world", () => $"b sees '{b.Text}'");
        await Until(() => alice.ReadAsync(project, "src/app.ts").Result == "hello world", () => "REST read");

        await alice.PutAsync(project, "src/app.ts", "hello brave world");
        await Until(() => a.Text == "hello brave world" && b.Text == "hello brave world", () => $"a='{a.Text}' b='{b.Text}'");
    }

    [Fact]
    public async Task A_writers_edits_reach_a_document_in_the_hubs_own_process_without_a_grain_message()
    {
        var alice = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, "direct.md", "");
        var local = node.Services.GetRequiredService<LocalDocuments>();
        var a = new HubPeer(await alice.ConnectHubAsync());
        var b = new HubPeer(await alice.ConnectHubAsync());
        await a.JoinAsync(project, "direct.md");
        await b.JoinAsync(project, "direct.md");
        var before = local.ReceivedDirectly;

        for (var i = 0; i < 5; i++)
            a.Insert(i, "x");

        await Until(() => b.Text == "xxxxx", () => $"b sees '{b.Text}'");
        Assert.Equal("xxxxx", await alice.ReadAsync(project, "direct.md"));
        // Other tests may type at the same time, so at least this test's five.
        Assert.True(local.ReceivedDirectly - before >= 5, $"{local.ReceivedDirectly - before} of 5 edits were received directly");
    }

    [Fact]
    public async Task Viewer_update_frames_are_refused_without_disturbing_others()
    {
        var alice = await node.SignInAsync();
        var viewer = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.AddMemberAsync(project, viewer, "viewer");
        await alice.PutAsync(project, "notes.md", "read me");

        var v = new HubPeer(await viewer.ConnectHubAsync());
        var joined = await v.JoinAsync(project, "notes.md");
        Assert.Equal(true, joined["readOnly"]);
        await Until(() => v.Text == "read me", () => v.Text);
        v.Insert(0, "vandal ");
        await Until(() => !v.Rejections.IsEmpty, () => "no rejection");
        Assert.Equal("doc.read_only", v.Rejections.First().Code);
        Assert.Equal("read me", await alice.ReadAsync(project, "notes.md"));
    }

    [Fact]
    public async Task Non_member_cannot_join()
    {
        var alice = await node.SignInAsync();
        var stranger = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, "a.txt", "x");
        var hub = await stranger.ConnectHubAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("JoinDocument", project, "a.txt"));
        Assert.Contains("auth.forbidden", error.Message);
    }
}
