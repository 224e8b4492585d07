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
[Reentrant]
[CollectionAgeLimit(Minutes = 5)]
public sealed class DocumentGrain(IDocumentLog log, TimeProvider time, LocalDocumentListeners local, ILogger<DocumentGrain> logger) : Grain, IDocumentGrain
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
        this.RegisterGrainTimer(RemoveOutdatedAwarenessAsync, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        ReportSize();
        if (_sinceSnapshot > 0)
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
        await _streaming;
    }

    public Task<DocumentText> GetTextAsync() => Task.FromResult(Current());

    public Task<DocumentSnapshot> GetSnapshotAsync() => Task.FromResult(new DocumentSnapshot(_doc.EncodeState(), _version, _epoch));

    public async Task<DocumentText> SetTextAsync(string text)
    {
        var update = _doc.SetText(text ?? "");
        if (update is not null)
            await CommitAsync(update, update, origin: null);
        // The namespace calls this and records the size itself; only later edits need reporting.
        _reportedVersion = _version;
        return Current();
    }

    public async Task<DocumentText> ApplyEditsAsync(IReadOnlyList<TextEdit> edits)
    {
        var update = _doc.ApplyEdits(edits);
        if (update is not null)
            await CommitAsync(update, update, origin: null);
        return Current();
    }

    public async Task ClearAsync()
    {
        var empty = _doc.SetText("");
        await log.DeleteAsync(Id);
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
        DeactivateOnIdle();
    }

    public Task<IReadOnlyList<byte[]>> JoinAsync(string connectionId) => Task.FromResult(_doc.JoinFrames(connectionId));

    public Task LeaveAsync(string connectionId)
    {
        if (_doc.Leave(connectionId) is { } removal)
            Publish(DocumentFrameKind.Awareness, removal, connectionId);
        return Task.CompletedTask;
    }

    public async ValueTask<FrameResult> ReceiveFrameAsync(string connectionId, byte[] frame, bool canWrite)
    {
        var outcome = _doc.Receive(connectionId, frame, canWrite);
        if (outcome.ErrorCode is not null)
            return new FrameResult(outcome.Replies, outcome.ErrorCode, outcome.ErrorMessage);
        if (outcome.UpdateToPersist is { } persist)
            await CommitAsync(persist, outcome.UpdateToBroadcast, connectionId);
        if (outcome.AwarenessToBroadcast is { } awareness)
            Publish(DocumentFrameKind.Awareness, awareness, connectionId);
        return new FrameResult(outcome.Replies, null, null);
    }

    /// <summary>Durable first, then visible: the log commit precedes the broadcast and the acknowledgement.</summary>
    async Task CommitAsync(byte[] persist, byte[]? broadcast, string? origin)
    {
        using var span = Hosting.VibeTelemetry.Source.StartActivity("vibe.document.commit");
        span?.SetTag("vibe.document", Id);
        span?.SetTag("vibe.update_bytes", persist.Length);
        var id = await log.AppendAsync(Id, persist);
        _version = Math.Max(_version, id);
        _modified = time.GetUtcNow();
        _sinceSnapshot++;
        if (broadcast is not null)
            Publish(DocumentFrameKind.Update, WebsocketMessages.UpdateFrame(broadcast), origin);
        if (_sinceSnapshot >= CompactAfterUpdates && !_compacting)
            await CompactAsync();
    }

    /// <summary>
    /// Folds the log into a snapshot. Updates still waiting for their commit get ids above
    /// <c>_version</c>, so they stay in the log and replay harmlessly on top of the snapshot.
    /// </summary>
    async Task CompactAsync()
    {
        _compacting = true;
        try
        {
            var through = _version;
            var count = _sinceSnapshot;
            var snapshot = _doc.EncodeState();
            await log.CompactAsync(Id, through, snapshot);
            _snapshotVersion = through;
            _sinceSnapshot = Math.Max(0, _sinceSnapshot - count);
        }
        finally
        {
            _compacting = false;
        }
    }

    public Task<DocumentListen> ListenAsync(IDocumentListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listeners[listener] = time.GetUtcNow() + DocumentListening.Lease;
        return Task.FromResult(new DocumentListen(_epoch, _lastSent));
    }

    public Task UnlistenAsync(IDocumentListener listener)
    {
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
        _streaming = StreamLaterAsync(_streaming);
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
        var batch = _unstreamed!;
        _unstreamed = null;
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
        ReportSize();
        var now = time.GetUtcNow();
        foreach (var (listener, until) in _listeners.ToArray())
        {
            if (until < now)
                _listeners.Remove(listener);
        }
        if (_doc.RemoveOutdated() is { } removal)
            Publish(DocumentFrameKind.Awareness, removal, null);
        return Task.CompletedTask;
    }

    DocumentText Current() => new(_doc.Text, _version, _modified);
}
