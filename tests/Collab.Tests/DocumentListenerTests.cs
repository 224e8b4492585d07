using Microsoft.AspNetCore.SignalR.Client;
using System.Net.WebSockets;
using Vibe.Contracts.Documents;
using Vibe.Crdt;
using Vibe.Crdt.Protocols;
using Microsoft.Extensions.DependencyInjection;
using Vibe.Grains.Documents;

namespace Vibe.Collab.Tests;

/// <summary>
/// Document grains push committed frames straight to the web nodes that listen (no stream to poll). These
/// tests cover what that push must survive: the grain being activated anew while a connection stays open.
/// </summary>
public sealed class DocumentListenerTests(VibeNode node) : IClassFixture<VibeNode>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A raw y-websocket connection that applies everything the server sends to its own Yjs doc.</summary>
    sealed class SocketPeer : IAsyncDisposable
    {
        readonly ClientWebSocket _socket = new();
        readonly Doc _doc = new();
        readonly WebsocketMessages _messages;
        readonly CancellationTokenSource _stop = new();
        Task _receiving = Task.CompletedTask;
        readonly Lock _gate = new();

        SocketPeer() => _messages = new WebsocketMessages(_doc, new Awareness(_doc));

        public static async Task<SocketPeer> ConnectAsync(Uri baseAddress, string token, string project, string path)
        {
            var peer = new SocketPeer();
            var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = $"/yjs/{project}/{path}", Query = "access_token=" + token }.Uri;
            await peer._socket.ConnectAsync(uri, CancellationToken.None);
            // Like y-websocket: ask for the server's state with sync step 1 as soon as the socket is open.
            byte[] step1;
            lock (peer._gate)
                step1 = peer._messages.SyncStep1Frame();
            await peer._socket.SendAsync(step1, WebSocketMessageType.Binary, true, CancellationToken.None);
            peer._receiving = peer.ReceiveAsync();
            return peer;
        }

        public string Text
        {
            get
            {
                lock (_gate)
                    return _doc.GetText(CollabDocument.ContentName).ToString();
            }
        }

        async Task ReceiveAsync()
        {
            var buffer = new byte[1 << 16];
            using var message = new MemoryStream();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                        continue;
                    var frame = message.ToArray();
                    if (frame.Length > 0 && frame[0] == WebsocketMessages.MessageAuth)
                        _authFrames.Enqueue(frame);
                    byte[]? reply;
                    lock (_gate)
                        reply = _messages.Handle(frame, this);
                    message.SetLength(0);
                    if (reply is not null)
                        await _socket.SendAsync(reply, WebSocketMessageType.Binary, true, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }

        readonly System.Collections.Concurrent.ConcurrentQueue<byte[]> _authFrames = new();

        /// <summary>The y-websocket auth frames (permission-denied) the server sent.</summary>
        public IReadOnlyCollection<byte[]> AuthFrames => _authFrames;

        public long ClientId => _messages.Awareness.ClientId;

        /// <summary>The awareness state this connection holds for <paramref name="clientId"/>, if any.</summary>
        public object? AwarenessOf(long clientId)
        {
            lock (_gate)
                return _messages.Awareness.States.TryGetValue(clientId, out var state) ? state : null;
        }

        /// <summary>Sets this connection's awareness (as an editor moving its cursor) and sends it.</summary>
        public async Task SetAwarenessAsync(string name)
        {
            byte[] frame;
            lock (_gate)
            {
                _messages.Awareness.SetLocalStateField("user", new Dictionary<string, object?> { ["name"] = name });
                frame = WebsocketMessages.AwarenessFrame(_messages.Awareness.EncodeUpdate([_messages.Awareness.ClientId]));
            }
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        /// <summary>Appends <paramref name="typed"/> to the text and sends the update, as an editor's keystroke.</summary>
        public async Task TypeAsync(string typed)
        {
            byte[] frame;
            lock (_gate)
            {
                var before = Y.EncodeStateVector(_doc);
                var text = _doc.GetText(CollabDocument.ContentName);
                text.Insert(text.Length, typed);
                frame = WebsocketMessages.UpdateFrame(Y.EncodeStateAsUpdate(_doc, before));
            }
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        /// <summary>Waits until the server closed the socket and returns the status it gave.</summary>
        public async Task<(WebSocketCloseStatus? Status, string? Reason)> WaitForCloseAsync()
        {
            await _receiving.WaitAsync(Deadline);
            return (_socket.CloseStatus, _socket.CloseStatusDescription);
        }

        public async Task<string> WaitForTextAsync(string expected)
        {
            var until = DateTime.UtcNow + Deadline;
            while (Text != expected)
            {
                Assert.True(DateTime.UtcNow < until, $"the connection still shows \"{Text}\", not \"{expected}\"");
                await Task.Delay(50);
            }
            return Text;
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _receiving;
            _socket.Dispose();
        }
    }

    /// <summary>A user, a project whose <paramref name="path"/> holds <paramref name="text"/>, and a connection that shows it.</summary>
    async Task<(User Alice, string Project, SocketPeer Peer)> OpenAsync(string path, string text)
    {
        var alice = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, path, text);
        var peer = await SocketPeer.ConnectAsync(node.BaseAddress, alice.Token, project, path);
        await peer.WaitForTextAsync(text);
        return (alice, project, peer);
    }

    /// <summary>An empty file and two connections to it: one to type, one to watch.</summary>
    async Task<(User Alice, string Project, SocketPeer Writer, SocketPeer Reader)> OpenTwoAsync(string path)
    {
        var (alice, project, writer) = await OpenAsync(path, "");
        return (alice, project, writer, await SocketPeer.ConnectAsync(node.BaseAddress, alice.Token, project, path));
    }

    sealed class NullListener : IDocumentListener
    {
        public Task OnFrameAsync(DocumentFrame frame) => Task.CompletedTask;
    }

    /// <summary>Records whether each frame was handed over inside a grain's turn (a direct call) or by a message.</summary>
    sealed class TurnProbe : IDocumentListener
    {
        public readonly TaskCompletionSource<bool> InsideGrainTurn = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnFrameAsync(DocumentFrame frame)
        {
            if (frame.Kind == DocumentFrameKind.Update)
                InsideGrainTurn.TrySetResult(TaskScheduler.Current != TaskScheduler.Default);
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// The endpoint does not wait for each update's answer before reading the next frame: a burst sent back to back
    /// must still land whole and in order, and a sync step 1 right behind it must be answered with all of it.
    /// </summary>
    [Fact]
    public async Task A_burst_of_updates_lands_whole_and_the_step_1_behind_it_is_answered_with_all_of_it()
    {
        var alice = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, "burst.txt", "");
        using var socket = new ClientWebSocket();
        var uri = new UriBuilder(node.BaseAddress) { Scheme = "ws", Path = $"/yjs/{project}/burst.txt", Query = "access_token=" + alice.Token }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);

        var typed = new Doc();
        var text = typed.GetText(CollabDocument.ContentName);
        const int keystrokes = 200;
        for (var i = 0; i < keystrokes; i++)
        {
            var before = Y.EncodeStateVector(typed);
            text.Insert(i, ((char)('a' + i % 26)).ToString());
            await socket.SendAsync(WebsocketMessages.UpdateFrame(Y.EncodeStateAsUpdate(typed, before)), WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        var empty = new Doc();
        await socket.SendAsync(new WebsocketMessages(empty, new Awareness(empty)).SyncStep1Frame(), WebSocketMessageType.Binary, true, CancellationToken.None);

        // Read until the answer to that step 1 (a step 2) has been applied; the server's own step 1 and awareness come too.
        var replica = new Doc();
        var messages = new WebsocketMessages(replica, new Awareness(replica));
        var buffer = new byte[1 << 16];
        using var deadline = new CancellationTokenSource(Deadline);
        while (replica.GetText(CollabDocument.ContentName).ToString().Length < keystrokes)
        {
            using var frame = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, deadline.Token);
                frame.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            messages.Handle(frame.ToArray(), origin: null);
        }
        Assert.Equal(text.ToString(), replica.GetText(CollabDocument.ContentName).ToString());
        Assert.Equal(text.ToString(), await alice.ReadAsync(project, "burst.txt"));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_listener_in_the_grains_own_process_is_called_directly_inside_the_grains_turn()
    {
        var alice = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, "direct.txt", "a");
        var grain = node.Grains.GetGrain<IDocumentGrain>($"{project}/direct.txt");
        var local = node.Services.GetRequiredService<LocalDocumentListeners>();

        var probe = new TurnProbe();
        var reference = node.Grains.CreateObjectReference<IDocumentListener>(probe);
        local.Add(reference, probe);
        try
        {
            await grain.ListenAsync(reference);
            await alice.PutAsync(project, "direct.txt", "ab");
            // Through the observer reference it would arrive as a message, outside any grain's turn.
            Assert.True(await probe.InsideGrainTurn.Task.WaitAsync(Deadline));
        }
        finally
        {
            local.Remove(reference);
            await grain.UnlistenAsync(reference);
            ((IGrainFactory)node.Grains).DeleteObjectReference<IDocumentListener>(reference);
        }
    }

    [Fact]
    public async Task An_open_connection_gets_the_edits_committed_by_a_new_activation_of_its_document()
    {
        var (alice, project, peer) = await OpenAsync("notes.txt", "first");
        await using var _ = peer;

        var grain = node.Grains.GetGrain<IDocumentGrain>($"{project}/notes.txt");
        var probe = node.Grains.CreateObjectReference<IDocumentListener>(new NullListener());
        var before = (await grain.ListenAsync(probe)).Epoch;
        await grain.UnlistenAsync(probe);

        // Collect the document's activation: the node's listener registration is gone with it.
        await node.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await alice.PutAsync(project, "notes.txt", "first, then second");
        var after = (await grain.ListenAsync(probe)).Epoch;
        await grain.UnlistenAsync(probe);
        Assert.NotEqual(before, after);

        // The node notices the new epoch on its next renewal and brings its connections up to date.
        Assert.Equal("first, then second", await peer.WaitForTextAsync("first, then second"));
    }

    [Fact]
    public async Task An_open_connection_gets_an_edit_whose_push_to_its_node_was_lost()
    {
        var (alice, project, peer) = await OpenAsync("lost.txt", "a");
        await using var _ = peer;
        var fanout = node.Services.GetRequiredService<Vibe.Web.Collab.DocumentFanout>();
        var grain = node.Grains.GetGrain<IDocumentGrain>($"{project}/lost.txt");
        var listener = Assert.IsAssignableFrom<IDocumentListener>(fanout.DocumentListener);

        // One edit is committed while the grain does not push to this node (as if the one-way message from
        // another silo was lost); the next one is pushed, but it builds on the lost one, so Yjs holds it back.
        await grain.UnlistenAsync(listener);
        await alice.PutAsync(project, "lost.txt", "a b");
        await grain.ListenAsync(listener);
        await alice.PutAsync(project, "lost.txt", "a b c");
        await Task.Delay(500);
        Assert.Equal("a", peer.Text);

        // The node notices the gap on a renewal and sends the whole document.
        await peer.WaitForTextAsync("a b c");
    }

    [Fact]
    public async Task Edits_reach_an_open_connection_as_they_are_committed()
    {
        var (alice, project, peer) = await OpenAsync("live.txt", "a");
        await using var _ = peer;
        for (var i = 0; i < 20; i++)
            await alice.PutAsync(project, "live.txt", "a" + new string('b', i + 1));
        await peer.WaitForTextAsync("a" + new string('b', 20));
    }

    [Fact]
    public async Task Deleting_a_file_closes_its_open_connections_so_old_text_cannot_come_back()
    {
        var (alice, project, peer) = await OpenAsync("gone.txt", "old text");
        await using var _ = peer;
        await using var hub = await alice.ConnectHubAsync();
        var closed = new TaskCompletionSource<string>();
        hub.On<string, string>("DocumentClosed", (id, _) => closed.TrySetResult(id));
        await hub.InvokeAsync<Vibe.Web.Collab.DocumentJoined>("JoinDocument", project, "gone.txt");

        (await alice.Http.DeleteAsync($"/api/projects/{project}/files/gone.txt")).EnsureSuccessStatusCode();

        var (status, reason) = await peer.WaitForCloseAsync();
        Assert.Equal((WebSocketCloseStatus)4404, status);
        Assert.Contains("deleted", reason);
        Assert.Equal($"{project}/gone.txt", await closed.Task.WaitAsync(Deadline));

        // A new file at the same path starts from its own text, whatever the old editors held.
        await alice.PutAsync(project, "gone.txt", "new");
        Assert.Equal("new", await alice.ReadAsync(project, "gone.txt"));
    }

    [Fact]
    public async Task Stat_reports_the_size_of_a_file_after_collaborative_edits()
    {
        var alice = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, "size.txt", "abc");
        var namespaceGrain = node.Grains.GetGrain<Vibe.Contracts.Namespaces.INamespaceGrain>(project);
        Assert.Equal(3, (await namespaceGrain.StatAsync("/workspace/size.txt")).Size);

        // An edit that does not pass through the namespace (as every editor's keystrokes do not).
        await node.Grains.GetGrain<IDocumentGrain>($"{project}/size.txt").ApplyEditsAsync([new TextEdit(3, 0, " and ü")]);

        var until = DateTime.UtcNow + Deadline;
        long size;
        while ((size = (await namespaceGrain.StatAsync("/workspace/size.txt")).Size) != 10)
        {
            Assert.True(DateTime.UtcNow < until, $"stat still reports {size} bytes");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_writers_keystrokes_reach_a_document_in_the_same_process_without_a_grain_message()
    {
        var (alice, project, writer, reader) = await OpenTwoAsync("typed.txt");
        await using var _ = writer;
        await using var __ = reader;
        var documents = node.Services.GetRequiredService<LocalDocuments>();
        Assert.True(documents.IsActiveHere($"{project}/typed.txt"));
        var before = documents.ReceivedDirectly;

        foreach (var key in "hello")
            await writer.TypeAsync(key.ToString());

        await reader.WaitForTextAsync("hello");
        Assert.Equal("hello", await alice.ReadAsync(project, "typed.txt"));
        // Other tests may type at the same time, so at least this test's five.
        Assert.True(documents.ReceivedDirectly - before >= 5, $"{documents.ReceivedDirectly - before} of 5 keystrokes were received directly");
    }

    /// <summary>
    /// Awareness (a cursor moving) is as frequent as typing: it too reaches a document in the same process on the
    /// connection's thread, goes to the other connections, and is taken back when its connection leaves.
    /// </summary>
    [Fact]
    public async Task A_connections_awareness_reaches_the_others_without_a_grain_message_and_leaves_with_it()
    {
        var (_, project, writer, reader) = await OpenTwoAsync("cursor.txt");
        await using var _ = reader;
        var documents = node.Services.GetRequiredService<LocalDocuments>();
        Assert.True(documents.IsActiveHere($"{project}/cursor.txt"));
        var before = documents.ReceivedDirectly;

        await writer.SetAwarenessAsync("alice");

        await WaitUntilAsync(() => reader.AwarenessOf(writer.ClientId) is not null, "the reader never saw the writer's awareness");
        Assert.Contains("alice", System.Text.Json.JsonSerializer.Serialize(reader.AwarenessOf(writer.ClientId)));
        Assert.True(documents.ReceivedDirectly - before >= 1, "the awareness frame went through the grain");

        await writer.DisposeAsync();
        await WaitUntilAsync(() => reader.AwarenessOf(writer.ClientId) is null, "the writer's awareness outlived its connection");
    }

    /// <summary>
    /// A viewer's update to a document in the same process is refused there as through the grain: the viewer hears
    /// permission-denied, the text stays, and a writer's edits still reach everyone.
    /// </summary>
    [Fact]
    public async Task A_viewers_update_is_refused_in_the_documents_process_without_disturbing_the_others()
    {
        var (alice, project, writer, reader) = await OpenTwoAsync("watched.txt");
        await using var _ = writer;
        await using var __ = reader;
        var bob = await node.SignInAsync();
        await alice.AddMemberAsync(project, bob, "viewer");
        await using var viewer = await SocketPeer.ConnectAsync(node.BaseAddress, bob.Token, project, "watched.txt");
        await writer.TypeAsync("shared");
        await viewer.WaitForTextAsync("shared");

        await viewer.TypeAsync(" vandalised");

        await WaitUntilAsync(() => viewer.AuthFrames.Count > 0, "the viewer was never told its update was refused");
        // y-protocols' auth message: permission denied (0), then the reason.
        var denied = viewer.AuthFrames.First();
        Assert.Equal(0, denied[1]);
        Assert.Contains("read-only", System.Text.Encoding.UTF8.GetString(denied));
        await writer.TypeAsync(" text");
        await reader.WaitForTextAsync("shared text");
        Assert.Equal("shared text", await alice.ReadAsync(project, "watched.txt"));
        // The viewer still receives edits (its own refused one stays in its local copy only).
        await WaitUntilAsync(() => viewer.Text.Contains(" text"), $"the viewer shows \"{viewer.Text}\" without the writer's edit");
    }

    static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, failure);
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// While a connection types, its document is collected and activated anew: the first keystroke after that goes
    /// through the grain (activating it), later ones directly again once it is active here; every one lands.
    /// </summary>
    [Fact]
    public async Task Keystrokes_around_a_new_activation_of_the_document_all_land_in_order()
    {
        var (alice, project, writer, reader) = await OpenTwoAsync("moving.txt");
        await using var _ = writer;
        await using var __ = reader;
        var documents = node.Services.GetRequiredService<LocalDocuments>();
        var management = node.Grains.GetGrain<IManagementGrain>(0);
        var expected = "";
        for (var round = 0; round < 5; round++)
        {
            // (The node's listener renewal may activate it again before the first keystroke, or after it.)
            await management.ForceActivationCollection(TimeSpan.Zero);
            // Typed fast: the first goes through the grain, and the activation finishes while more arrive.
            for (var i = 0; i < 40; i++)
            {
                var key = ((char)('a' + (round * 40 + i) % 26)).ToString();
                expected += key;
                await writer.TypeAsync(key);
                if (i % 4 == 3)
                    await Task.Delay(1);
            }
            await reader.WaitForTextAsync(expected);
        }
        Assert.Equal(expected, await alice.ReadAsync(project, "moving.txt"));
        Assert.True(documents.IsActiveHere($"{project}/moving.txt"));
    }
}
