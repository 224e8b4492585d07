using Vibe.Contracts.Documents;
using Vibe.Contracts.Identity;
using Vibe.Grains.Identity;
using Orleans.Streams;
using Vibe.Grains.Tests.Clustering;

namespace Vibe.Grains.Tests.Documents;

/// <summary>The document grain and the small identity grains, which need a cluster but no project.</summary>
public sealed class DocumentGrainTests(VibeClusterFixture fixture) : IClassFixture<VibeClusterFixture>
{
    readonly IGrainFactory _grains = fixture.Grains;

    IDocumentGrain NewDocument() => _grains.GetGrain<IDocumentGrain>($"{TestKeys.ProjectId("doc")}/src/App.tsx");

    [Fact]
    public async Task Set_text_stores_a_new_version_only_when_the_text_changes()
    {
        var doc = NewDocument();

        var first = await doc.SetTextAsync("hello 👋");
        var same = await doc.SetTextAsync("hello 👋");
        var second = await doc.SetTextAsync("hello 👋 world");

        // The version is the id of the last committed update: it grows with each change, not by one.
        Assert.True(first.Version > 0);
        Assert.Equal(first.Version, same.Version);
        Assert.True(second.Version > first.Version);
        Assert.Equal("hello 👋 world", second.Text);
    }

    [Fact]
    public async Task Edits_apply_in_order_and_survive_deactivation()
    {
        var doc = NewDocument();
        await doc.SetTextAsync("abc");

        var edited = await doc.ApplyEditsAsync([new TextEdit(3, 0, "d"), new TextEdit(0, 1, "A")]);
        await _grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal("Abcd", edited.Text);
        var reloaded = await doc.GetTextAsync();
        Assert.Equal((edited.Text, edited.Version), (reloaded.Text, reloaded.Version));
    }

    /// <summary>
    /// The stream carries every committed update in order, each naming the one before it, starting from the
    /// version a snapshot includes: a consumer that starts from a snapshot can tell it missed nothing.
    /// </summary>
    [Fact]
    public async Task Every_update_goes_on_the_document_stream_in_order_each_following_the_one_before()
    {
        var id = $"{TestKeys.ProjectId("doc")}/notes.txt";
        var doc = _grains.GetGrain<IDocumentGrain>(id);
        var started = (await doc.SetTextAsync("0")).Version;
        var updates = new List<DocumentFrame>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int edits = 30;
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<DocumentFrame>(StreamId.Create(StreamNames.Document, id));
        var handle = await stream.SubscribeAsync((frame, _) =>
        {
            lock (updates)
            {
                if (frame.Kind == DocumentFrameKind.Update)
                    updates.Add(frame);
                if (updates.Count(f => f.Version > started) == edits)
                    all.TrySetResult();
            }
            return Task.CompletedTask;
        });
        var snapshot = await doc.GetSnapshotAsync();

        for (var i = 1; i <= edits; i++)
            await doc.ApplyEditsAsync([new TextEdit(i, 0, (i % 10).ToString())]);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await handle.UnsubscribeAsync();

        // The text set before subscribing was still gathering for the stream: it comes first, and the snapshot has it.
        Assert.Equal(started, snapshot.Version);
        updates = [.. updates.Where(f => f.Version > snapshot.Version)];
        Assert.Equal(snapshot.Version, updates[0].Previous);
        for (var i = 1; i < updates.Count; i++)
            Assert.Equal(updates[i - 1].Version, updates[i].Previous);
        var replica = new Vibe.Crdt.Doc();
        Vibe.Crdt.Y.ApplyUpdate(replica, snapshot.State);
        foreach (var frame in updates)
        {
            var reader = new Vibe.Crdt.Encoding.Lib0Reader(frame.Frame);
            Assert.Equal(Vibe.Crdt.Protocols.WebsocketMessages.MessageSync, reader.ReadVarUint());
            Vibe.Crdt.Protocols.SyncProtocol.ReadSyncMessage(reader, new Vibe.Crdt.Encoding.Lib0Writer(), replica, origin: null);
        }
        var text = await doc.GetTextAsync();
        Assert.Equal(text.Text, replica.GetText("content").ToString());
        Assert.Equal(text.Version, updates[^1].Version);
    }

    /// <summary>Records the frames a document grain pushes to it.</summary>
    sealed class RecordingListener : IDocumentListener
    {
        readonly System.Threading.Channels.Channel<DocumentFrame> _frames = System.Threading.Channels.Channel.CreateUnbounded<DocumentFrame>();

        public Task OnFrameAsync(DocumentFrame frame)
        {
            _frames.Writer.TryWrite(frame);
            return Task.CompletedTask;
        }

        /// <summary>The next two update frames in the order the document sent them (pushes may arrive the other way round).</summary>
        public async Task<(DocumentFrame First, DocumentFrame Second)> NextTwoUpdatesAsync()
        {
            var (a, b) = (await NextUpdateAsync(), await NextUpdateAsync());
            return a.Version < b.Version ? (a, b) : (b, a);
        }

        async Task<DocumentFrame> NextUpdateAsync()
        {
            while (true)
            {
                var frame = await _frames.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                if (frame.Kind == DocumentFrameKind.Update)
                    return frame;
            }
        }
    }

    /// <summary>
    /// The preview's working copy of a followed file (<see cref="Vibe.Grains.Preview.PreviewWorkspace"/>) with the frames its
    /// real document grain pushed: handed over out of order, they are applied in the order they were sent; one that
    /// never arrives is made good from a snapshot once the next has waited past the patience.
    /// </summary>
    [Fact]
    public async Task A_preview_workspace_applies_pushed_frames_in_sent_order_and_recovers_a_lost_one_from_a_snapshot()
    {
        var projectId = TestKeys.ProjectId("follow");
        var root = Path.Combine(Path.GetTempPath(), "vibe-follow-" + Guid.NewGuid().ToString("N")[..8]);
        var workspace = new Vibe.Grains.Preview.PreviewWorkspace(_grains, projectId, root);
        var recorder = new RecordingListener();
        var listener = fixture.Cluster.Client.CreateObjectReference<IDocumentListener>(recorder);
        var doc = _grains.GetGrain<IDocumentGrain>($"{projectId}/src/a.ts");
        var file = Path.Combine(root, "src", "a.ts");
        var now = DateTimeOffset.UtcNow;
        try
        {
            await doc.SetTextAsync("start");
            Assert.True(await workspace.TrackAsync("/src/a.ts", listener, now));
            Assert.Equal("start", File.ReadAllText(file));

            await doc.ApplyEditsAsync([new TextEdit(5, 0, " one")]);
            await doc.ApplyEditsAsync([new TextEdit(9, 0, " two")]);
            var (first, second) = await recorder.NextTwoUpdatesAsync();
            Assert.Empty(workspace.Arrange(second, now));
            var ready = workspace.Arrange(first, now);
            Assert.Equal([first, second], ready.Select(r => r.Frame));
            Assert.True(workspace.ApplyFrame("/src/a.ts", ready[0].Frame));
            Assert.Equal("start one", File.ReadAllText(file));
            Assert.True(workspace.ApplyFrame("/src/a.ts", ready[1].Frame));
            Assert.Equal("start one two", File.ReadAllText(file));

            await doc.ApplyEditsAsync([new TextEdit(13, 0, " three")]);
            await doc.ApplyEditsAsync([new TextEdit(19, 0, " four")]);
            var (_, later) = await recorder.NextTwoUpdatesAsync(); // the first of them is lost on the way
            Assert.Empty(workspace.Arrange(later, now));
            Assert.False(await workspace.RenewAsync("/src/a.ts", now.AddMilliseconds(500), TimeSpan.FromSeconds(1)));
            Assert.Equal("start one two", File.ReadAllText(file));
            Assert.True(await workspace.RenewAsync("/src/a.ts", now.AddSeconds(2), TimeSpan.FromSeconds(1)));
            Assert.Equal("start one two three four", File.ReadAllText(file));
        }
        finally
        {
            await workspace.UntrackAllAsync();
            fixture.Cluster.Client.DeleteObjectReference<IDocumentListener>(listener);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_edits_are_refused_and_leave_the_text_unchanged()
    {
        var doc = NewDocument();
        var before = await doc.SetTextAsync("abc");

        await VibeAssert.Code(VibeErrorCodes.Validation, () => doc.ApplyEditsAsync([new TextEdit(1, 0, "x"), new TextEdit(10, 0, "y")]));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => doc.ApplyEditsAsync(null!));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => doc.ApplyEditsAsync([null!]));

        Assert.Equal(before, await doc.GetTextAsync());
    }

    [Fact]
    public async Task Clear_forgets_the_text_and_the_document_can_be_written_again()
    {
        var doc = NewDocument();
        await doc.SetTextAsync("old");

        await doc.ClearAsync();
        Assert.Equal(new DocumentText("", 0, default), await doc.GetTextAsync());
        var again = await doc.SetTextAsync("new");

        Assert.Equal("new", again.Text);
        Assert.True(again.Version > 0);
    }

    [Fact]
    public async Task A_replayed_auth_event_id_is_refused_until_it_expires()
    {
        var eventId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var shard = _grains.GetGrain<IAuthReplayGrain>(AuthReplayGrain.ShardOf(eventId));

        Assert.True(await shard.TryConsumeAsync(eventId, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.False(await shard.TryConsumeAsync(eventId, DateTimeOffset.UtcNow.AddMinutes(1)));

        var expired = eventId[..2] + new string('0', 62);
        Assert.True(await shard.TryConsumeAsync(expired, DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.True(await shard.TryConsumeAsync(expired, DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task A_user_adds_a_project_once_and_removes_it()
    {
        var user = _grains.GetGrain<IUserGrain>(TestKeys.Pubkey());

        await user.AddProjectAsync("p1");
        await user.AddProjectAsync("p2");
        await user.AddProjectAsync("p1");
        await user.RemoveProjectAsync("p2");
        await user.RemoveProjectAsync("never");

        Assert.Equal(["p1"], await user.GetProjectsAsync());
    }
}
