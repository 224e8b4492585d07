using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Streams;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Crdt.Protocols;
using Vibe.Grains.Documents.Log;

namespace Vibe.Grains.Documents;

/// <summary>
/// One text file as a Yjs document. Each change is applied in memory, appended to the update log
/// (committed, group-committed with other documents' updates), pushed to the listeners, and only then
/// acknowledged; <c>doc/{id}</c> gets it in the next batch (<see cref="StreamWindow"/>). Reentrant so that many updates to one document can wait for their commits together;
/// every mutation happens synchronously inside <see cref="CollabDocument"/> before the first await.
/// </summary>
/// <remarks>
/// A writer's update frames from a connection in this process may arrive on that connection's thread rather than
/// as grain calls (<see cref="LocalDocuments"/>). So every piece of this grain that reads or changes its state
/// holds <see cref="_gate"/>, its own turns included, and nothing awaits while holding it.
/// </remarks>
[Reentrant]
[CollectionAgeLimit(Minutes = 5)]
public sealed class DocumentGrain(IDocumentLog log, TimeProvider time, LocalDocumentListeners local, LocalDocuments documents, ILogger<DocumentGrain> logger) : Grain, IDocumentGrain
{
    /// <summary>Fold the log into a snapshot after this many updates since the last one.</summary>
    public const int CompactAfterUpdates = 500;
    /// <summary>How long frames gather before they go on the stream as one batch.</summary>
    public static readonly TimeSpan StreamWindow = TimeSpan.FromSeconds(1);

    CollabDocument _doc = null!;
    IAsyncStream<DocumentFrame> _stream = null!;
    long _version;
    long _snapshotVersion;
    int _sinceSnapshot;
    DateTimeOffset _modified;
    bool _compacting;
    long _reportedVersion;
    /// <summary>The version of the last update frame sent to listeners and the stream: the next one's <see cref="DocumentFrame.Previous"/>.</summary>
    long _lastSent;
    /// <summary>Frames pushed but not yet on the stream (null: no batch is gathering).</summary>
    List<DocumentFrame>? _unstreamed;
    Task _streaming = Task.CompletedTask;
    readonly Guid _epoch = Guid.NewGuid();
    readonly Dictionary<IDocumentListener, DateTimeOffset> _listeners = [];

    /// <summary>Held by every turn and every directly received frame while they touch the state above.</summary>
    readonly Lock _gate = new();
    /// <summary>The activation's scheduler: the stream is published from it, whichever thread published the frames.</summary>
    TaskScheduler _scheduler = TaskScheduler.Default;
    /// <summary>Set once deactivation begins: frames then go through the grain again.</summary>
    bool _closed;
    /// <summary>Directly received updates waiting for their commit; deactivation waits for them.</summary>
    int _directCommits;
    TaskCompletionSource? _directCommitsDone;

    /// <summary>The document's id (the grain's key; Orleans decodes the key into a new string on every ask).</summary>
    string Id => _id ??= this.GetPrimaryKeyString();
    string? _id;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var stored = await log.LoadAsync(Id, ct);
        _doc = CollabDocument.Load(stored, time, (id, e) => logger.LogError(e, "Skipped undecodable update {UpdateId} of {Document}", id, Id));
        _version = stored.LastId;
        _snapshotVersion = stored.SnapshotThroughId;
        _lastSent = _version;
        _sinceSnapshot = stored.Updates.Count;
        // The log keeps no clock; a document with history counts as modified when it was loaded.
        _modified = stored.Snapshot is null && stored.Updates.Count == 0 ? default : time.GetUtcNow();
        _stream = this.GetStreamProvider(StreamNames.Provider).GetStream<DocumentFrame>(StreamId.Create(StreamNames.Document, Id));
        _scheduler = TaskScheduler.Current;
        this.RegisterGrainTimer(RemoveOutdatedAwarenessAsync, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        documents.Add(Id, this);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        documents.Remove(Id, this);
        Task directCommits;
        lock (_gate)
        {
            _closed = true;
            directCommits = _directCommits == 0 ? Task.CompletedTask : (_directCommitsDone = new()).Task;
        }
        // Updates received directly are acknowledged only after their commit, as any other: wait for them.
        await directCommits;
        bool compact;
        lock (_gate)
        {
            ReportSize();
            compact = _sinceSnapshot > 0 && !_compacting;
            if (compact)
                _compacting = true;
        }
        if (compact)
        {
            try
            {
                await CompactAsync();
            }
            catch (Exception e)
            {
                // The log still holds every update; the next activation replays it.
                logger.LogWarning(e, "Compaction of {Document} on deactivation failed", Id);
            }
        }
        // Frames still gathering for the stream go out before the activation does.
        Task streaming;
        lock (_gate)
            streaming = _streaming;
        await streaming;
    }

    public Task<DocumentText> GetTextAsync()
    {
        lock (_gate)
            return Task.FromResult(Current());
    }

    public Task<DocumentSnapshot> GetSnapshotAsync()
    {
        lock (_gate)
            return Task.FromResult(new DocumentSnapshot(_doc.EncodeState(), _version, _epoch));
    }

    public async Task<DocumentText> SetTextAsync(string text)
    {
        byte[]? update;
        lock (_gate)
            update = _doc.SetText(text ?? "");
        if (update is not null)
            await CommitAsync(update, update, origin: null);
        lock (_gate)
        {
            // The namespace calls this and records the size itself; only later edits need reporting.
            _reportedVersion = _version;
            return Current();
        }
    }

    public async Task<DocumentText> ApplyEditsAsync(IReadOnlyList<TextEdit> edits)
    {
        byte[]? update;
        lock (_gate)
            update = _doc.ApplyEdits(edits);
        if (update is not null)
            await CommitAsync(update, update, origin: null);
        lock (_gate)
            return Current();
    }

    public async Task ClearAsync()
    {
        byte[]? empty;
        lock (_gate)
            empty = _doc.SetText("");
        await log.DeleteAsync(Id);
        lock (_gate)
        {
            // Start over: the file is gone, and a new file at this path begins with a fresh history.
            _doc = CollabDocument.Load(new StoredDocument(null, 0, []), time);
            _version = 0;
            _reportedVersion = 0;
            _snapshotVersion = 0;
            _sinceSnapshot = 0;
            _modified = default;
            if (empty is not null)
                Publish(DocumentFrameKind.Update, WebsocketMessages.UpdateFrame(empty), null);
            // Open editors still hold the old text; left connected, their next edit or reconnect would write it
            // into whatever file is created at this path next. Their nodes close them.
            Push(new DocumentFrame(Id, DocumentFrameKind.Closed, [], null, 0));
            _listeners.Clear();
        }
        DeactivateOnIdle();
    }

    public Task<IReadOnlyList<byte[]>> JoinAsync(string connectionId)
    {
        lock (_gate)
            return Task.FromResult(_doc.JoinFrames(connectionId));
    }

    public Task LeaveAsync(string connectionId)
    {
        lock (_gate)
        {
            if (_doc.Leave(connectionId) is { } removal)
                Publish(DocumentFrameKind.Awareness, removal, connectionId);
        }
        return Task.CompletedTask;
    }

    public ValueTask<FrameResult> ReceiveFrameAsync(string connectionId, byte[] frame, bool canWrite)
    {
        FrameOutcome outcome;
        lock (_gate)
            outcome = ReceiveLocked(connectionId, frame, canWrite, direct: false);
        return Answer(outcome, connectionId, direct: false);
    }

    /// <summary>A frame from a connection in this process, on its thread (<see cref="LocalDocuments"/>); false once deactivating.</summary>
    internal bool TryReceiveDirectly(string connectionId, byte[] frame, bool canWrite, out ValueTask<FrameResult> result)
    {
        FrameOutcome outcome;
        lock (_gate)
        {
            if (_closed)
            {
                result = default;
                return false;
            }
            outcome = ReceiveLocked(connectionId, frame, canWrite, direct: true);
        }
        result = Answer(outcome, connectionId, direct: true);
        return true;
    }

    /// <summary>
    /// Applies the frame (under <see cref="_gate"/>). An update's commit starts only after the gate is released
    /// (<see cref="Answer"/>): the committing caller may complete other documents' commits on its thread.
    /// </summary>
    FrameOutcome ReceiveLocked(string connectionId, byte[] frame, bool canWrite, bool direct)
    {
        var outcome = _doc.Receive(connectionId, frame, canWrite);
        if (outcome.ErrorCode is not null)
            return outcome;
        if (outcome.UpdateToPersist is not null)
        {
            if (direct)
                _directCommits++;
        }
        else if (outcome.AwarenessToBroadcast is { } awareness)
        {
            Publish(DocumentFrameKind.Awareness, awareness, connectionId);
        }
        return outcome;
    }

    ValueTask<FrameResult> Answer(FrameOutcome outcome, string connectionId, bool direct)
    {
        if (outcome.ErrorCode is not null)
            return new(new FrameResult(outcome.Replies, outcome.ErrorCode, outcome.ErrorMessage));
        if (outcome.UpdateToPersist is { } persist)
            return CommittedAsync(outcome, persist, connectionId, direct);
        return new(new FrameResult(outcome.Replies, null, null));
    }

    async ValueTask<FrameResult> CommittedAsync(FrameOutcome outcome, byte[] persist, string connectionId, bool direct)
    {
        try
        {
            await CommitAsync(persist, outcome.UpdateToBroadcast, connectionId);
        }
        finally
        {
            if (direct)
                DirectCommitDone();
        }
        if (outcome.AwarenessToBroadcast is { } awareness)
        {
            lock (_gate)
                Publish(DocumentFrameKind.Awareness, awareness, connectionId);
        }
        return new FrameResult(outcome.Replies, null, null);
    }

    void DirectCommitDone()
    {
        TaskCompletionSource? done = null;
        lock (_gate)
        {
            if (--_directCommits == 0 && _directCommitsDone is { } waiting)
            {
                done = waiting;
                _directCommitsDone = null;
            }
        }
        done?.TrySetResult();
    }

    /// <summary>Durable first, then visible: the log commit precedes the broadcast and the acknowledgement.</summary>
    async Task CommitAsync(byte[] persist, byte[]? broadcast, string? origin)
    {
        using var span = Hosting.VibeTelemetry.Source.StartActivity("vibe.document.commit");
        span?.SetTag("vibe.document", Id);
        span?.SetTag("vibe.update_bytes", persist.Length);
        var id = await log.AppendAsync(Id, persist);
        bool compact;
        lock (_gate)
        {
            _version = Math.Max(_version, id);
            _modified = time.GetUtcNow();
            _sinceSnapshot++;
            if (broadcast is not null)
                Publish(DocumentFrameKind.Update, WebsocketMessages.UpdateFrame(broadcast), origin);
            compact = _sinceSnapshot >= CompactAfterUpdates && !_compacting;
            if (compact)
                _compacting = true;
        }
        if (compact)
            await CompactAsync();
    }

    /// <summary>
    /// Folds the log into a snapshot. Updates still waiting for their commit get ids above
    /// <c>_version</c>, so they stay in the log and replay harmlessly on top of the snapshot.
    /// The caller has claimed <see cref="_compacting"/> under the gate, so two commits never compact at once.
    /// </summary>
    async Task CompactAsync()
    {
        long through;
        int count;
        byte[] snapshot;
        lock (_gate)
        {
            through = _version;
            count = _sinceSnapshot;
            snapshot = _doc.EncodeState();
        }
        try
        {
            await log.CompactAsync(Id, through, snapshot);
            lock (_gate)
            {
                _snapshotVersion = through;
                _sinceSnapshot = Math.Max(0, _sinceSnapshot - count);
            }
        }
        finally
        {
            lock (_gate)
                _compacting = false;
        }
    }

    public Task<DocumentListen> ListenAsync(IDocumentListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            _listeners[listener] = time.GetUtcNow() + DocumentListening.Lease;
            return Task.FromResult(new DocumentListen(_epoch, _lastSent));
        }
    }

    public Task UnlistenAsync(IDocumentListener listener)
    {
        lock (_gate)
            _listeners.Remove(listener);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Pushes the frame to every listener (web nodes and previews; one-way, so a slow or gone node costs nothing
    /// here; a node in this process is called directly, see <see cref="LocalDocumentListeners"/>), then queues
    /// it for the stream.
    /// </summary>
    void Publish(DocumentFrameKind kind, byte[] frame, string? origin)
    {
        DocumentFrame message;
        if (kind == DocumentFrameKind.Update)
        {
            message = new DocumentFrame(Id, kind, frame, origin, _version, _lastSent);
            _lastSent = _version;
        }
        else
        {
            message = new DocumentFrame(Id, kind, frame, origin, _version);
        }
        Push(message);
        if (_unstreamed is { } waiting)
        {
            waiting.Add(message);
            return;
        }
        _unstreamed = [message];
        // On the activation's scheduler, whichever thread published: the stream is the grain's to call.
        var before = _streaming;
        _streaming = Task.Factory.StartNew(() => StreamLaterAsync(before), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
    }

    /// <summary>
    /// Publishes what gathered during <see cref="StreamWindow"/> as one batch on <c>doc/{id}</c>, after the batch
    /// before it. Nothing a user waits for reads the stream (listeners get every frame pushed at once), and its
    /// consumers read it in steps of the pulling agents' poll anyway, so a keystroke costs no stream message
    /// of its own: one per update (a call to a queue grain and back, and what the pulling agent makes of it)
    /// was about half of a busy node's thread-pool work items (bench/Collab.Bench, 10 documents × 25 updates/s).
    /// </summary>
    async Task StreamLaterAsync(Task before)
    {
        await Task.Delay(StreamWindow, time);
        List<DocumentFrame> batch;
        lock (_gate)
        {
            batch = _unstreamed!;
            _unstreamed = null;
        }
        try
        {
            await before;
            await _stream.OnNextBatchAsync(batch);
        }
        catch (Exception e)
        {
            // Durability never rests on the stream: a subscriber that missed this re-syncs with step 1/2.
            logger.LogWarning(e, "Publishing {Count} frames of {Document} failed", batch.Count, Id);
        }
    }

    void Push(DocumentFrame message)
    {
        foreach (var listener in _listeners.Keys)
        {
            try
            {
                var pushed = local.Resolve(listener).OnFrameAsync(message);
                if (!pushed.IsCompletedSuccessfully)
                    _ = ObserveAsync(pushed);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Pushing a frame of {Document} to a web node failed", Id);
            }
        }
    }

    async Task ObserveAsync(Task pushed)
    {
        try
        {
            await pushed;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Pushing a frame of {Document} to a web node failed", Id);
        }
    }

    /// <summary>Tells the namespace the text's size after edits it did not make itself (at most every 10 s).</summary>
    void ReportSize()
    {
        if (_version == _reportedVersion)
            return;
        _reportedVersion = _version;
        var slash = Id.IndexOf('/');
        if (slash <= 0)
            return;
        var size = System.Text.Encoding.UTF8.GetByteCount(_doc.Text);
        _ = GrainFactory.GetGrain<INamespaceGrain>(Id[..slash]).DocumentEditedAsync(Namespaces.NamespacePath.Workspace + Id[slash..], size, _modified);
    }

    Task RemoveOutdatedAwarenessAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            ReportSize();
            var now = time.GetUtcNow();
            foreach (var (listener, until) in _listeners.ToArray())
            {
                if (until < now)
                    _listeners.Remove(listener);
            }
            if (_doc.RemoveOutdated() is { } removal)
                Publish(DocumentFrameKind.Awareness, removal, null);
        }
        return Task.CompletedTask;
    }

    DocumentText Current() => new(_doc.Text, _version, _modified);
}
