using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using Vibe.Contracts;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Preview;
using Vibe.Grains.Documents;
using Vibe.Web.Preview;

namespace Vibe.Web.Collab;

/// <summary>A raw WebSocket connection that receives relayed frames: a document's y-protocols messages, or
/// (HMR sockets of the preview origin) UTF-8 JSON HMR messages.</summary>
public interface IFrameSink
{
    string ConnectionId { get; }
    void Send(byte[] frame);
    /// <summary>Sends what is queued, then closes the connection telling the client why.</summary>
    void Close(string reason);
}

/// <summary>
/// This web node's window onto the cluster. While it has local connections to a document it listens to
/// that document grain (<see cref="IDocumentListener"/>: the grain pushes each committed frame straight to
/// this node, renewed every few seconds), and while it has connections to a project it subscribes to
/// <c>project/{id}</c>; it drops either when the last connection leaves and forwards everything to the
/// SignalR group and to the raw WebSocket connections on this node. Any number of web nodes work without a
/// SignalR backplane. <c>preview/{id}</c> is followed while the node has IDE connections to the project (for
/// the status badge) or HMR sockets of its preview (docs/preview.md).
/// </summary>
/// <remarks>
/// Documents are pushed rather than read from <c>doc/{id}</c> because a memory stream is polled: the poll
/// period sat in every keystroke's path (bench/Collab.Bench). The grain still publishes on the stream, in
/// batches, for every other consumer.
/// </remarks>
public sealed class StreamFanout(IClusterClient cluster, IHubContext<CollabHub> hub, LocalDocumentListeners local, ILogger<StreamFanout> logger)
    : IDocumentListener, IPreviewListener, IDisposable
{
    sealed class Subscription
    {
        public int SignalRConnections;
        public readonly HashSet<IFrameSink> Sockets = [];
        public Func<Task>? Unsubscribe;
        public Guid Epoch;
        /// <summary>
        /// The document's update frames as pushed here (guarded by the subscription's lock): they go to the
        /// connections at once, whatever their order, since Yjs merges them either way; the chain only tells when
        /// one never came, so that the renewal can send the document whole.
        /// </summary>
        public FrameChain? Pushed;
        /// <summary>The last HMR message relayed (each comes pushed and by the stream; it goes out once).</summary>
        public long LastHmr;

        public IFrameSink[] SocketsNow()
        {
            lock (Sockets)
                return Sockets.ToArray();
        }
    }

    static Subscription? Find(Dictionary<string, Subscription> map, string key)
    {
        lock (map)
            return map.GetValueOrDefault(key);
    }

    IDocumentListener? _self;

    /// <summary>This node's listener reference, once it listens to a document (diagnostics and tests).</summary>
    public IDocumentListener? DocumentListener => _self;
    IPreviewListener? _previewSelf;
    Task? _renewing;
    readonly CancellationTokenSource _stopping = new();

    readonly Dictionary<string, Subscription> _documents = new(StringComparer.Ordinal);
    readonly Dictionary<string, Subscription> _projects = new(StringComparer.Ordinal);
    readonly Dictionary<string, Subscription> _previews = new(StringComparer.Ordinal);
    readonly SemaphoreSlim _gate = new(1, 1);

    public static string DocumentGroup(string documentId) => "doc:" + documentId;
    public static string ProjectGroup(string projectId) => "project:" + projectId;

    public Task AddDocumentAsync(string documentId, IFrameSink? socket) =>
        AddAsync(_documents, documentId, socket, entry => ListenAsync(documentId, entry));

    public Task RemoveDocumentAsync(string documentId, IFrameSink? socket) => RemoveAsync(_documents, documentId, socket);

    public Task AddProjectAsync(string projectId) => AddAsync(_projects, projectId, null, _ => SubscribeProjectAsync(projectId));

    public Task RemoveProjectAsync(string projectId) => RemoveAsync(_projects, projectId, null);

    /// <summary>
    /// An IDE connection (<paramref name="socket"/> null) or an HMR socket follows the project's preview. The stream
    /// serves both; only HMR sockets need the push, so the node listens to the preview grain only while it has one
    /// (a listener's renewal keeps the grain activated, and an open IDE tab should not keep an idle preview so).
    /// </summary>
    public async Task AddPreviewAsync(string projectId, IFrameSink? socket)
    {
        await AddAsync(_previews, projectId, socket, _ => SubscribePreviewAsync(projectId));
        if (socket is not null)
            await cluster.GetGrain<IPreviewGrain>(projectId).ListenAsync(PreviewSelf());
    }

    public async Task RemovePreviewAsync(string projectId, IFrameSink? socket)
    {
        await RemoveAsync(_previews, projectId, socket);
        // A socket that arrives meanwhile is listened for again by the next renewal.
        if (socket is not null && _previewSelf is { } listener && (Find(_previews, projectId)?.SocketsNow().Length ?? 0) == 0)
            await cluster.GetGrain<IPreviewGrain>(projectId).UnlistenAsync(listener);
    }

    IPreviewListener PreviewSelf()
    {
        lock (_previews)
            return _previewSelf ??= cluster.CreateObjectReference<IPreviewListener>(this);
    }

    async Task AddAsync(Dictionary<string, Subscription> map, string key, IFrameSink? socket, Func<Subscription, Task<Func<Task>>> subscribe)
    {
        await _gate.WaitAsync();
        try
        {
            if (!map.TryGetValue(key, out var entry))
            {
                entry = new Subscription();
                entry.Unsubscribe = await subscribe(entry);
                lock (map)
                    map[key] = entry;
            }
            if (socket is null)
                entry.SignalRConnections++;
            else
                lock (entry.Sockets)
                    entry.Sockets.Add(socket);
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task RemoveAsync(Dictionary<string, Subscription> map, string key, IFrameSink? socket)
    {
        await _gate.WaitAsync();
        try
        {
            if (!map.TryGetValue(key, out var entry))
                return;
            int sockets;
            if (socket is null)
                entry.SignalRConnections = Math.Max(0, entry.SignalRConnections - 1);
            lock (entry.Sockets)
            {
                if (socket is not null)
                    entry.Sockets.Remove(socket);
                sockets = entry.Sockets.Count;
            }
            if (entry.SignalRConnections == 0 && sockets == 0)
            {
                lock (map)
                    map.Remove(key);
                try
                {
                    await entry.Unsubscribe!();
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Unsubscribing from {Key} failed", key);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<Func<Task>> ListenAsync(string documentId, Subscription entry)
    {
        if (_self is null)
        {
            _self = cluster.CreateObjectReference<IDocumentListener>(this);
            // Grains in this process call this object directly rather than through the reference.
            local.Add(_self, this);
        }
        _renewing ??= RenewLoopAsync(_stopping.Token);
        var grain = cluster.GetGrain<IDocumentGrain>(documentId);
        var listener = _self;
        var listening = await grain.ListenAsync(listener);
        lock (entry)
        {
            entry.Epoch = listening.Epoch;
            entry.Pushed = new FrameChain(listening.Version);
        }
        return () => grain.UnlistenAsync(listener);
    }

    /// <summary>
    /// Renews every listener well inside its lease. A changed epoch means the grain was activated anew and
    /// may have committed updates nobody pushed here, and a pushed frame that waited longer than
    /// <see cref="DocumentListening.LostFramePatience"/> for the one before it means that one was lost (a one-way
    /// message from another silo): either way the whole state goes to this node's connections (Yjs ignores what
    /// a peer already has, and the updates that waited for the lost one apply).
    /// </summary>
    async Task RenewLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(DocumentListening.RenewEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                KeyValuePair<string, Subscription>[] previews;
                lock (_previews)
                    previews = _previews.ToArray();
                foreach (var (projectId, entry) in previews)
                {
                    if (entry.SocketsNow().Length == 0)
                        continue;
                    try
                    {
                        await cluster.GetGrain<IPreviewGrain>(projectId).ListenAsync(PreviewSelf());
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Renewing this node's listener on the preview of {Project} failed; retrying", projectId);
                    }
                }
                KeyValuePair<string, Subscription>[] documents;
                lock (_documents)
                    documents = _documents.ToArray();
                foreach (var (documentId, entry) in documents)
                {
                    try
                    {
                        var grain = cluster.GetGrain<IDocumentGrain>(documentId);
                        var epoch = (await grain.ListenAsync(_self!)).Epoch;
                        bool lost;
                        lock (entry)
                            lost = entry.Pushed?.IsStuck(DateTimeOffset.UtcNow, DocumentListening.LostFramePatience) == true;
                        if (epoch != entry.Epoch || lost)
                        {
                            var snapshot = await grain.GetSnapshotAsync();
                            lock (entry)
                            {
                                entry.Epoch = snapshot.Epoch;
                                if (entry.Pushed is null)
                                    entry.Pushed = new FrameChain(snapshot.Version);
                                else
                                    entry.Pushed.Restart(snapshot.Version, DateTimeOffset.UtcNow);
                            }
                            if (lost)
                                logger.LogInformation("A frame of {Document} pushed to this node was lost; sent its connections the whole document", documentId);
                            await DeliverAsync(entry, documentId, Vibe.Crdt.Protocols.WebsocketMessages.UpdateFrame(snapshot.State), origin: null, savedVersion: null);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Renewing this node's listener on {Document} failed; retrying", documentId);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        if (_self is not null)
        {
            local.Remove(_self);
            cluster.DeleteObjectReference<IDocumentListener>(_self);
        }
        if (_previewSelf is not null)
            cluster.DeleteObjectReference<IPreviewListener>(_previewSelf);
    }

    /// <summary>
    /// A frame pushed by a document grain this node listens to. A grain in this process calls this directly inside
    /// its turn (<see cref="LocalDocumentListeners"/>), so nothing here blocks or awaits on the caller's scheduler.
    /// </summary>
    public Task OnFrameAsync(DocumentFrame frame)
    {
        if (Find(_documents, frame.DocumentId) is not { } entry)
            return Task.CompletedTask;
        if (frame.Kind == DocumentFrameKind.Closed)
            return CloseAsync(entry, frame.DocumentId);
        if (frame.Kind == DocumentFrameKind.Update)
        {
            lock (entry)
                entry.Pushed?.Accept(frame, DateTimeOffset.UtcNow);
        }
        return DeliverAsync(entry, frame.DocumentId, frame.Frame, frame.Origin, frame.Kind == DocumentFrameKind.Update ? frame.Version : null);
    }

    async Task CloseAsync(Subscription entry, string documentId)
    {
        foreach (var socket in entry.SocketsNow())
            socket.Close(DocumentClosedReason);
        if (entry.SignalRConnections > 0)
            await hub.Clients.Group(DocumentGroup(documentId)).SendAsync("DocumentClosed", documentId, DocumentClosedReason).ConfigureAwait(false);
    }

    public const string DocumentClosedReason = "the file was deleted or moved";

    async Task DeliverAsync(Subscription entry, string documentId, byte[] frame, string? origin, long? savedVersion)
    {
        foreach (var socket in entry.SocketsNow())
        {
            if (socket.ConnectionId != origin)
                socket.Send(frame);
        }
        if (entry.SignalRConnections > 0)
        {
            var group = DocumentGroup(documentId);
            var clients = origin is null ? hub.Clients.Group(group) : hub.Clients.GroupExcept(group, origin);
            await clients.SendAsync("Frame", documentId, frame).ConfigureAwait(false);
            if (savedVersion is { } version)
                await hub.Clients.Group(group).SendAsync("DocumentSaved", documentId, version).ConfigureAwait(false);
        }
    }

    /// <summary>Subscribes to one stream and returns how to unsubscribe.</summary>
    async Task<Func<Task>> SubscribeAsync<T>(string streamNamespace, string key, Func<T, Task> onEvent)
    {
        var stream = cluster.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        var handle = await stream.SubscribeAsync((e, _) => onEvent(e));
        return () => handle.UnsubscribeAsync();
    }

    Task<Func<Task>> SubscribeProjectAsync(string projectId) =>
        SubscribeAsync<ProjectEvent>(StreamNames.Project, projectId, OnProjectEventAsync);

    Task OnProjectEventAsync(ProjectEvent e)
    {
        var group = hub.Clients.Group(ProjectGroup(e.ProjectId));
        return e switch
        {
            NamespaceChanged change => group.SendAsync("TreeChanged", e.ProjectId, CollabViews.Tree(change)),
            Contracts.Projects.CommentChanged { Comment: var c } when c.Resolved => group.SendAsync("CommentResolved", e.ProjectId, c.Id),
            Contracts.Projects.CommentChanged { Comment: var c } => group.SendAsync("CommentAdded", e.ProjectId, CollabViews.Of(c)),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>
    /// Follows the preview's stream (status changes, and every HMR message again should a push be lost); pushed
    /// HMR messages (no poll in a keystroke's path) come while the node has HMR sockets (<see cref="AddPreviewAsync"/>).
    /// </summary>
    async Task<Func<Task>> SubscribePreviewAsync(string projectId)
    {
        _renewing ??= RenewLoopAsync(_stopping.Token);
        return await SubscribeAsync<PreviewEvent>(StreamNames.Preview, projectId, OnPreviewEventAsync);
    }

    public Task OnHmrAsync(PreviewHmr message) => OnPreviewEventAsync(message);

    async Task OnPreviewEventAsync(PreviewEvent e)
    {
        if (Find(_previews, e.ProjectId) is not { } entry)
            return;
        switch (e)
        {
            case PreviewHmr hmr:
                lock (entry)
                {
                    if (hmr.Sequence != 0 && hmr.Sequence <= entry.LastHmr)
                        return;
                    entry.LastHmr = Math.Max(entry.LastHmr, hmr.Sequence);
                }
                var sockets = entry.SocketsNow();
                if (sockets.Length == 0)
                    return;
                var json = System.Text.Encoding.UTF8.GetBytes(hmr.Json);
                foreach (var socket in sockets)
                    socket.Send(json);
                break;
            case PreviewStatusChanged changed when entry.SignalRConnections > 0:
                await hub.Clients.Group(ProjectGroup(e.ProjectId)).SendAsync("PreviewStatus", e.ProjectId, PreviewViews.Of(changed.Status));
                break;
        }
    }
}
