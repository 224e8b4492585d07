using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Vibe.Crdt;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;

namespace Vibe.Collab.Tests;

/// <summary>Awareness, presence, comments and tree events over /hubs/collab, as the browser IDE sees them.</summary>
public sealed class HubEventTests(VibeNode node) : IClassFixture<VibeNode>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Everything a hub connection receives, recorded as it arrives.</summary>
    sealed class Listener
    {
        public readonly HubConnection Hub;
        public readonly ConcurrentQueue<byte[]> Frames = new();
        public readonly ConcurrentQueue<Dictionary<object, object?>> Presence = new();
        public readonly ConcurrentQueue<Dictionary<object, object?>> Tree = new();
        public readonly ConcurrentQueue<Dictionary<object, object?>> CommentsAdded = new();
        public readonly ConcurrentQueue<string> CommentsResolved = new();
        public readonly Doc Doc = new();
        public readonly Awareness Awareness;

        public Listener(HubConnection hub)
        {
            Hub = hub;
            Awareness = new Awareness(Doc);
            var messages = new WebsocketMessages(Doc, Awareness);
            hub.On<string, byte[]>("Frame", (_, frame) =>
            {
                Frames.Enqueue(frame);
                lock (Doc)
                    messages.Handle(frame, "remote");
            });
            hub.On<string, Dictionary<object, object?>>("PresenceChanged", (_, p) => Presence.Enqueue(p));
            hub.On<string, Dictionary<object, object?>>("TreeChanged", (_, t) => Tree.Enqueue(t));
            hub.On<string, Dictionary<object, object?>>("CommentAdded", (_, c) => CommentsAdded.Enqueue(c));
            hub.On<string, string>("CommentResolved", (_, id) => CommentsResolved.Enqueue(id));
        }

        public bool Sees(long client) { lock (Doc) return Awareness.States.ContainsKey(client); }

        /// <summary>Publishes our awareness state ("user": name) to the document.</summary>
        public Task AnnounceAsync(string documentId, string name)
        {
            byte[] update;
            lock (Doc)
            {
                Awareness.SetLocalState(new JsObject { ["user"] = name });
                update = Awareness.EncodeUpdate([Awareness.ClientId]);
            }
            return Hub.InvokeAsync("SendFrame", documentId, WebsocketMessages.AwarenessFrame(update));
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

    async Task<(User Alice, User Bob, string Project)> TwoEditorsAsync(string path)
    {
        var alice = await node.SignInAsync();
        var bob = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.AddMemberAsync(project, bob, "editor");
        await alice.PutAsync(project, path, "text");
        return (alice, bob, project);
    }

    static async Task<string> JoinAsync(Listener listener, string project, string path) =>
        (string)(await listener.Hub.InvokeAsync<Dictionary<string, object?>>("JoinDocument", project, path))["documentId"]!;

    [Fact]
    public async Task Joining_sends_sync_step_1_and_the_current_awareness()
    {
        var (alice, bob, project) = await TwoEditorsAsync("a.txt");
        var a = new Listener(await alice.ConnectHubAsync());
        var documentId = await JoinAsync(a, project, "a.txt");
        await a.AnnounceAsync(documentId, "alice");

        var b = new Listener(await bob.ConnectHubAsync());
        await JoinAsync(b, project, "a.txt");
        await Until(() => b.Frames.Any(f => f is [0, 0, ..]), () => "no sync step 1");
        await Until(() => b.Sees(a.Awareness.ClientId), () => "alice's awareness was not in the join frames");
        Assert.Contains(b.Frames, f => f[0] == WebsocketMessages.MessageAwareness);
    }

    [Fact]
    public async Task Awareness_reaches_the_other_connection_and_is_removed_when_its_owner_leaves()
    {
        var (alice, bob, project) = await TwoEditorsAsync("b.txt");
        var a = new Listener(await alice.ConnectHubAsync());
        var b = new Listener(await bob.ConnectHubAsync());
        var documentId = await JoinAsync(a, project, "b.txt");
        await JoinAsync(b, project, "b.txt");

        await a.AnnounceAsync(documentId, "alice");
        await Until(() => b.Sees(a.Awareness.ClientId), () => "bob never saw alice");
        await a.Hub.InvokeAsync("LeaveDocument", documentId);
        await Until(() => !b.Sees(a.Awareness.ClientId), () => "alice's state outlived LeaveDocument");

        // The same on an abrupt disconnect.
        var c = new Listener(await alice.ConnectHubAsync());
        await JoinAsync(c, project, "b.txt");
        await c.AnnounceAsync(documentId, "alice again");
        await Until(() => b.Sees(c.Awareness.ClientId), () => "bob never saw alice's second connection");
        await c.Hub.DisposeAsync();
        await Until(() => !b.Sees(c.Awareness.ClientId), () => "alice's state outlived her connection");
    }

    [Fact]
    public async Task Presence_joined_and_left_reach_the_project_group()
    {
        var (alice, bob, project) = await TwoEditorsAsync("c.txt");
        (await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(alice.Http, "/api/me/profile", new { name = "Alice", color = "#0090ff" })).EnsureSuccessStatusCode();
        var watcher = new Listener(await bob.ConnectHubAsync());
        await watcher.Hub.InvokeAsync<Dictionary<string, object?>>("JoinProject", project);

        var a = new Listener(await alice.ConnectHubAsync());
        var documentId = await JoinAsync(a, project, "c.txt");
        await Until(() => watcher.Presence.Any(p => Equals(p["kind"], "joined") && Equals(p["pubkey"], alice.Pubkey)), () => "no joined");
        var joined = watcher.Presence.First(p => Equals(p["kind"], "joined"));
        Assert.Equal(documentId, joined["documentId"]);
        Assert.Equal("Alice", joined["name"]);
        Assert.Equal("#0090ff", joined["color"]);

        await a.Hub.DisposeAsync();
        await Until(() => watcher.Presence.Any(p => Equals(p["kind"], "left") && Equals(p["pubkey"], alice.Pubkey)), () => "no left on disconnect");
    }

    [Fact]
    public async Task Comments_are_added_listed_and_resolved_with_events()
    {
        var (alice, bob, project) = await TwoEditorsAsync("d.txt");
        var watcher = new Listener(await alice.ConnectHubAsync());
        await watcher.Hub.InvokeAsync<Dictionary<string, object?>>("JoinProject", project);
        var b = await bob.ConnectHubAsync();

        var added = await b.InvokeAsync<Dictionary<string, object?>>("AddComment", project, "d.txt", new byte[] { 1, 2 }, new byte[] { 3 }, "why this?");
        var id = (string)added["id"]!;
        Assert.Equal("why this?", added["text"]);
        await Until(() => watcher.CommentsAdded.Any(c => Equals(c["id"], id)), () => "no CommentAdded");

        var listed = await watcher.Hub.InvokeAsync<List<Dictionary<string, object?>>>("ListComments", project, "d.txt");
        var comment = Assert.Single(listed);
        Assert.Equal(id, comment["id"]);
        Assert.Equal(bob.Pubkey, comment["author"]);
        Assert.Equal(new byte[] { 1, 2 }, comment["anchorStart"]);
        Assert.Equal(false, comment["resolved"]);

        await watcher.Hub.InvokeAsync("ResolveComment", project, id);
        await Until(() => watcher.CommentsResolved.Contains(id), () => "no CommentResolved");
        var after = await b.InvokeAsync<List<Dictionary<string, object?>>>("ListComments", project, "d.txt");
        Assert.Equal(true, Assert.Single(after)["resolved"]);
    }

    [Fact]
    public async Task Creating_a_file_over_rest_sends_TreeChanged()
    {
        var (alice, bob, project) = await TwoEditorsAsync("e.txt");
        var watcher = new Listener(await bob.ConnectHubAsync());
        await watcher.Hub.InvokeAsync<Dictionary<string, object?>>("JoinProject", project);
        await alice.PutAsync(project, "src/new-file.ts", "export {}\n");
        await Until(() => watcher.Tree.Any(t => Equals(t["path"], "/src/new-file.ts") && Equals(t["kind"], "created")),
            () => "no TreeChanged: " + string.Join(", ", watcher.Tree.Select(t => $"{t["kind"]} {t["path"]}")));
        Assert.Equal("file", watcher.Tree.First(t => Equals(t["path"], "/src/new-file.ts"))["fileKind"]);
    }
}
