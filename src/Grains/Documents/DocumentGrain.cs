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
/// (committed, group-committed with other documents' updates), published on <c>doc/{id}</c>, and only then
/// acknowledged. Reentrant so that many updates to one document can wait for their commits together;
/// every mutation happens synchronously inside <see cref="CollabDocument"/> before the first await.
/// </summary>
[Reentrant]
[CollectionAgeLimit(Minutes = 5)]
public sealed class DocumentGrain(IDocumentLog log, TimeProvider time, LocalDocumentListeners local, ILogger<DocumentGrain> logger) : Grain, IDocumentGrain
{
    /// <summary>Fold the log into a snapshot after this many updates since the last one.</summary>
    public const int CompactAfterUpdates = 500;

    CollabDocument _doc = null!;
    IAsyncStream<DocumentFrame> _stream = null!;
    long _version;
    long _snapshotVersion;
    int _sinceSnapshot;
    DateTimeOffset _modified;
    bool _compacting;
    long _reportedVersion;
    readonly Guid _epoch = Guid.NewGuid();
    readonly Dictionary<IDocumentListener, DateTimeOffset> _listeners = [];

    string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var stored = await log.LoadAsync(Id, ct);
        _doc = CollabDocument.Load(stored, time, (id, e) => logger.LogError(e, "Skipped undecodable update {UpdateId} of {Document}", id, Id));
        _version = stored.LastId;
        _snapshotVersion = stored.SnapshotThroughId;
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
    }

    public Task<DocumentText> GetTextAsync() => Task.FromResult(Current());

    public Task<byte[]> GetStateAsync() => Task.FromResult(_doc.EncodeState());

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
            await PublishAsync(DocumentFrameKind.Update, WebsocketMessages.UpdateFrame(empty), null);
        // Open editors still hold the old text; left connected, their next edit or reconnect would write it
        // into whatever file is created at this path next. Their nodes close them.
        Push(new DocumentFrame(Id, DocumentFrameKind.Closed, [], null, 0));
        _listeners.Clear();
        DeactivateOnIdle();
    }

    public Task<IReadOnlyList<byte[]>> JoinAsync(string connectionId) => Task.FromResult(_doc.JoinFrames(connectionId));

    public async Task LeaveAsync(string connectionId)
    {
        if (_doc.Leave(connectionId) is { } removal)
            await PublishAsync(DocumentFrameKind.Awareness, removal, connectionId);
    }

    public async Task<FrameResult> ReceiveFrameAsync(string connectionId, byte[] frame, bool canWrite)
    {
        var outcome = _doc.Receive(connectionId, frame, canWrite);
        if (outcome.ErrorCode is not null)
            return new FrameResult(outcome.Replies, outcome.ErrorCode, outcome.ErrorMessage);
        if (outcome.UpdateToPersist is { } persist)
            await CommitAsync(persist, outcome.UpdateToBroadcast, connectionId);
        if (outcome.AwarenessToBroadcast is { } awareness)
            await PublishAsync(DocumentFrameKind.Awareness, awareness, connectionId);
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
            await PublishAsync(DocumentFrameKind.Update, WebsocketMessages.UpdateFrame(broadcast), origin);
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

    public Task<Guid> ListenAsync(IDocumentListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listeners[listener] = time.GetUtcNow() + DocumentListening.Lease;
        return Task.FromResult(_epoch);
    }

    public Task UnlistenAsync(IDocumentListener listener)
    {
        _listeners.Remove(listener);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Pushes the frame to every listening web node (one-way, so a slow or gone node costs nothing here; a node in
    /// this process is called directly, see <see cref="LocalDocumentListeners"/>), then publishes it on the
    /// stream for every other consumer.
    /// </summary>
    async Task PublishAsync(DocumentFrameKind kind, byte[] frame, string? origin)
    {
        var message = new DocumentFrame(Id, kind, frame, origin, _version);
        Push(message);
        try
        {
            await _stream.OnNextAsync(message);
        }
        catch (Exception e)
        {
            // Durability never rests on the stream: a subscriber that missed this re-syncs with step 1/2.
            logger.LogWarning(e, "Publishing a frame of {Document} failed", Id);
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

    async Task RemoveOutdatedAwarenessAsync(CancellationToken ct)
    {
        ReportSize();
        var now = time.GetUtcNow();
        foreach (var (listener, until) in _listeners.ToArray())
        {
            if (until < now)
                _listeners.Remove(listener);
        }
        if (_doc.RemoveOutdated() is { } removal)
            await PublishAsync(DocumentFrameKind.Awareness, removal, null);
    }

    DocumentText Current() => new(_doc.Text, _version, _modified);
}
