using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using Vibe.Contracts;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Preview;
using Vibe.Web.Preview;

namespace Vibe.Web.Collab;

/// <summary>A raw WebSocket connection that receives frames relayed from a stream: a document's y-protocols
/// messages, or (HMR sockets of the preview origin) UTF-8 JSON HMR messages.</summary>
public interface IFrameSink
{
    string ConnectionId { get; }
    void Send(byte[] frame);
}

/// <summary>
/// This web node's window onto the cluster's streams. It subscribes to <c>doc/{id}</c> (and
/// <c>project/{id}</c>) while it has local connections to that document (project) and drops the
/// subscription when the last one leaves, forwarding each event to the SignalR group and to the raw
/// WebSocket connections on this node. Any number of web nodes work without a SignalR backplane.
/// <c>preview/{id}</c> is followed while the node has IDE connections to the project (for the status
/// badge) or HMR sockets of its preview (docs/preview.md).
/// </summary>
public sealed class StreamFanout(IClusterClient cluster, IHubContext<CollabHub> hub, ILogger<StreamFanout> logger)
{
    sealed class Subscription
    {
        public int SignalRConnections;
        public readonly HashSet<IFrameSink> Sockets = [];
        public Func<Task>? Unsubscribe;

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

    readonly Dictionary<string, Subscription> _documents = new(StringComparer.Ordinal);
    readonly Dictionary<string, Subscription> _projects = new(StringComparer.Ordinal);
    readonly Dictionary<string, Subscription> _previews = new(StringComparer.Ordinal);
    readonly SemaphoreSlim _gate = new(1, 1);

    public static string DocumentGroup(string documentId) => "doc:" + documentId;
    public static string ProjectGroup(string projectId) => "project:" + projectId;

    public Task AddDocumentAsync(string documentId, IFrameSink? socket) =>
        AddAsync(_documents, documentId, socket, () => SubscribeDocumentAsync(documentId));

    public Task RemoveDocumentAsync(string documentId, IFrameSink? socket) => RemoveAsync(_documents, documentId, socket);

    public Task AddProjectAsync(string projectId) => AddAsync(_projects, projectId, null, () => SubscribeProjectAsync(projectId));

    public Task RemoveProjectAsync(string projectId) => RemoveAsync(_projects, projectId, null);

    /// <summary>An IDE connection (<paramref name="socket"/> null) or an HMR socket follows the project's preview.</summary>
    public Task AddPreviewAsync(string projectId, IFrameSink? socket) =>
        AddAsync(_previews, projectId, socket, () => SubscribePreviewAsync(projectId));

    public Task RemovePreviewAsync(string projectId, IFrameSink? socket) => RemoveAsync(_previews, projectId, socket);

    async Task AddAsync(Dictionary<string, Subscription> map, string key, IFrameSink? socket, Func<Task<Func<Task>>> subscribe)
    {
        await _gate.WaitAsync();
        try
        {
            if (!map.TryGetValue(key, out var entry))
            {
                entry = new Subscription { Unsubscribe = await subscribe() };
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

    Task<Func<Task>> SubscribeDocumentAsync(string documentId) =>
        SubscribeAsync<DocumentFrame>(StreamNames.Document, documentId, OnDocumentFrameAsync);

    /// <summary>Subscribes to one stream and returns how to unsubscribe.</summary>
    async Task<Func<Task>> SubscribeAsync<T>(string streamNamespace, string key, Func<T, Task> onEvent)
    {
        var stream = cluster.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        var handle = await stream.SubscribeAsync((e, _) => onEvent(e));
        return () => handle.UnsubscribeAsync();
    }

    async Task OnDocumentFrameAsync(DocumentFrame frame)
    {
        if (Find(_documents, frame.DocumentId) is not { } entry)
            return;
        foreach (var socket in entry.SocketsNow())
        {
            if (socket.ConnectionId != frame.Origin)
                socket.Send(frame.Frame);
        }
        if (entry.SignalRConnections > 0)
        {
            var group = DocumentGroup(frame.DocumentId);
            var clients = frame.Origin is null ? hub.Clients.Group(group) : hub.Clients.GroupExcept(group, frame.Origin);
            await clients.SendAsync("Frame", frame.DocumentId, frame.Frame);
            if (frame.Kind == DocumentFrameKind.Update)
                await hub.Clients.Group(group).SendAsync("DocumentSaved", frame.DocumentId, frame.Version);
        }
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

    Task<Func<Task>> SubscribePreviewAsync(string projectId) =>
        SubscribeAsync<PreviewEvent>(StreamNames.Preview, projectId, OnPreviewEventAsync);

    async Task OnPreviewEventAsync(PreviewEvent e)
    {
        if (Find(_previews, e.ProjectId) is not { } entry)
            return;
        switch (e)
        {
            case PreviewHmr hmr:
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
