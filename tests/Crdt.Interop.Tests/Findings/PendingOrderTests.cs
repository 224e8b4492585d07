using System.Text.Json.Nodes;
using Vibe.Crdt.Interop.Tests.Sessions;
using Xunit;

namespace Vibe.Crdt.Interop.Tests.Findings;

/// <summary>Small out-of-order deliveries made with yjs, checked against a yjs document fed the same way.</summary>
public sealed class PendingOrderTests(YjsFixture fixture) : IClassFixture<YjsFixture>
{
    private static JsonObject Op(string k, string s, double r = 0.99) => new() { ["k"] = k, ["r"] = r, ["s"] = s };

    private void Check(string name, params byte[][] updates)
    {
        var yjs = new YjsPeer(fixture.Host, "check-" + name, 1, true);
        var vibe = new VibePeer("v", 2, true, false);
        try
        {
            foreach (var u in updates)
            {
                yjs.Receive(u, false);
                vibe.Receive(u, false);
            }
            var want = yjs.Final();
            var got = vibe.Final();
            Assert.Equal(want.Json, got.Json);
            Assert.Equal(Convert.ToBase64String(want.Update), Convert.ToBase64String(got.Update));
        }
        finally
        {
            yjs.Drop();
        }
    }

    /// <summary>
    /// Finding F1 (minimised from session seeds): a pending update holds a Skip over some clocks; a later update
    /// brings real structs inside that range while earlier clocks are still missing. yjs merges them into its
    /// pending update (the real struct replaces the Skip); the real struct must not be dropped. The reverse too:
    /// a later update whose Skip covers structs already pending must not drop them.
    /// </summary>
    [Theory]
    [InlineData("skip-then-real", "AQPM/enE9O+gChXDzP3pxPTvoAoA7ZXjjAYAAxLxiAoHKAEDbWFwATABfgA=", "AQHM/enE9O+gChbEzP3pxPTvoAoOzP3pxPTvoAoPAXoA")]
    [InlineData("skip-then-real-then-gap-filled", "AQX5+dYYASgBA21hcAIxMAF2AQIxMH0BCg4EAQR0ZXh0BHpoZSIKAcT5+dYYEvn51hgTCsOEPPCfmIBubSYA", "AQL5+dYYAgcBBWFycmF5AgQA+fnWGAIPbyBcb8OEPHomZ2pw5LitAA==", "AQH5+dYYACgBA21hcAFhAX2EBgA=")]
    [InlineData("real-then-skip-over-it", "AQL15Li2+7LCCioIAQVhcnJheQJ+dQF3BWc+bMOEg/XkuLb7ssIKKwMG5EUA", "AQP15Li2+7LCCifE9eS4tvuywgoK9eS4tvuywgoLA2JkeQoDxPXkuLb7ssIKE/XkuLb7ssIKFAJ6PgH15Li2+7LCCgEmAQ==")]
    [InlineData("skip-then-real-v2", "AQODltWoAiDEg5bVqAIYg5bVqAIZAsOpCgIoAIOW1agCIQF5AXcCa28A", "v2:AAAGw6yq0QQCAhAyARIDxwAoAwF4AQEAAQEBAQECIXcGJsOpInprAA==")]
    public void Real_structs_arriving_inside_a_pending_skip_are_kept(string name, params string[] updates) =>
        Check(name, updates.Select(u => u).ToArray());

    private void Check(string name, string[] updates)
    {
        var yjs = new YjsPeer(fixture.Host, "check-" + name, 1, true);
        var vibe = new VibePeer("v", 2, true, true);
        try
        {
            foreach (var u in updates)
            {
                var v2 = u.StartsWith("v2:", StringComparison.Ordinal);
                var bytes = Convert.FromBase64String(v2 ? u[3..] : u);
                yjs.Receive(bytes, v2);
                vibe.Receive(bytes, v2);
            }
            var want = yjs.Final();
            var got = vibe.Final();
            var same = want.Json == got.Json && want.Update.AsSpan().SequenceEqual(got.Update);
            Assert.True(same, $"yjs  json {want.Json}\nvibe json {got.Json}\nyjs  state {Convert.ToBase64String(want.Update)}\nvibe state {Convert.ToBase64String(got.Update)}");
        }
        finally
        {
            yjs.Drop();
        }
    }

    [Fact]
    public void Second_client_item_before_the_item_it_follows()
    {
        var a = new YjsPeer(fixture.Host, "po-a1", 5, true);
        var b = new YjsPeer(fixture.Host, "po-b1", 6, true);
        try
        {
            var ua = a.Apply(Op("ti", "a"))[0].V1;
            b.Receive(ua, false);
            var ub = b.Apply(Op("ti", "b"))[0].V1;
            Check("1", ub, ua);
        }
        finally { a.Drop(); b.Drop(); }
    }

    [Fact]
    public void Two_blocked_updates_from_two_clients_then_the_missing_one()
    {
        var a = new YjsPeer(fixture.Host, "po-a2", 5, true);
        var b = new YjsPeer(fixture.Host, "po-b2", 6, true);
        try
        {
            var ua0 = a.Apply(Op("ti", "a"))[0].V1;
            var ua1 = a.Apply(new JsonObject { ["k"] = "ms", ["key"] = "k", ["v"] = 1 })[0].V1;
            b.Receive(ua0, false);
            b.Receive(ua1, false);
            var ub = b.Apply(Op("ti", "b"))[0].V1;
            var ub2 = b.Apply(new JsonObject { ["k"] = "ms", ["key"] = "k", ["v"] = 2 })[0].V1;
            Check("2", ub, ua1, ub2, ua0);
        }
        finally { a.Drop(); b.Drop(); }
    }

    [Fact]
    public void Blocked_update_then_unrelated_update_then_the_missing_one()
    {
        var a = new YjsPeer(fixture.Host, "po-a3", 5, true);
        try
        {
            var u0 = a.Apply(Op("ti", "a"))[0].V1;
            var u1 = a.Apply(Op("ti", "b"))[0].V1;
            var c = new YjsPeer(fixture.Host, "po-c3", 7, true);
            var uc = c.Apply(new JsonObject { ["k"] = "ms", ["key"] = "z", ["v"] = 3 })[0].V1;
            c.Drop();
            Check("3", u1, uc, u0);
        }
        finally { a.Drop(); }
    }

    [Fact]
    public void Blocked_delete_then_the_missing_insert()
    {
        var a = new YjsPeer(fixture.Host, "po-a4", 5, true);
        try
        {
            var u0 = a.Apply(Op("ti", "abc"))[0].V1;
            var u1 = a.Apply(new JsonObject { ["k"] = "td", ["r"] = 0.4, ["n"] = 1 })[0].V1;
            var u2 = a.Apply(Op("ti", "d"))[0].V1;
            Check("4", u2, u1, u0);
            Check("4b", u1, u0, u2);
        }
        finally { a.Drop(); }
    }
}
