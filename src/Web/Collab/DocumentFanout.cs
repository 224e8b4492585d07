using Microsoft.AspNetCore.SignalR;
using Vibe.Contracts.Documents;
using Vibe.Crdt.Protocols;
using Vibe.Grains.Documents;

namespace Vibe.Web.Collab;

/// <summary>
/// While this node has local connections to a document it listens to that document grain
/// (<see cref="IDocumentListener"/>: the grain pushes each committed frame straight to this node; renewed every
/// few seconds) and forwards every frame to the document's SignalR group and to the raw y-websocket
/// connections on this node; it stops listening when the last connection leaves. Any number of web nodes work
/// without a SignalR backplane.
/// </summary>
/// <remarks>
/// Documents are pushed rather than read from <c>doc/{id}</c> because a memory stream is polled: the poll
/// period sat in every keystroke's path (bench/Collab.Bench). The grain still publishes on the stream, in
/// batches, for every other consumer.
/// </remarks>
public sealed class DocumentFanout(IClusterClient cluster, IHubContext<CollabHub> hub, LocalDocumentListeners local, ILogger<DocumentFanout> logger)
    : IDocumentListener, IDisposable
{
    public sealed class FollowedDocument : Followed
    {
        /// <summary>
        /// The registration and the chain of pushed frames. Frames go to the connections at once, whatever their
        /// order, since Yjs merges them either way; the chain only tells when one never came.
        /// </summary>
        public DocumentFollower? Follower;
    }

    readonly Following<FollowedDocument> _documents = new(logger);
    readonly CancellationTokenSource _stopping = new();
    readonly Lock _starting = new();
    IDocumentListener? _self;

    public static string DocumentGroup(string documentId) => "doc:" + documentId;

    public const string DocumentClosedReason = "the file was deleted or moved";

    /// <summary>This node's listener reference, once it listens to a document (diagnostics and tests).</summary>
    public IDocumentListener? DocumentListener => _self;

    /// <summary>Adds a SignalR connection (<paramref name="socket"/> null) or a y-websocket connection to the document.</summary>
    public Task AddAsync(string documentId, IFrameSink? socket) => _documents.AddAsync(documentId, socket, entry => ListenAsync(documentId, entry));

    public Task RemoveAsync(string documentId, IFrameSink? socket) => _documents.RemoveAsync(documentId, socket);

    async Task<Func<Task>> ListenAsync(string documentId, FollowedDocument entry)
    {
        var follower = new DocumentFollower(cluster, documentId, Self());
        // The connections sync with the grain themselves: pushes count from where the grain says they continue.
        await follower.ListenAsync(continueFromAnswer: true, DateTimeOffset.UtcNow);
        entry.Follower = follower;
        return follower.UnlistenAsync;
    }

    IDocumentListener Self()
    {
        lock (_starting)
        {
            if (_self is null)
            {
                _self = cluster.CreateObjectReference<IDocumentListener>(this);
                // Grains in this process call this object directly rather than through the reference.
                local.Add(_self, this);
                _ = _documents.RenewEveryAsync(DocumentListening.RenewEvery, RenewAsync, _stopping.Token);
            }
            return _self;
        }
    }

    /// <summary>
    /// Renews this node's listener on a document. A changed epoch means the grain was activated anew and may
    /// have committed updates nobody pushed here, and a pushed frame that waited longer than
    /// <see cref="DocumentListening.LostFramePatience"/> for the one before it means that one was lost (a one-way
    /// message from another silo): either way the whole state goes to this node's connections (Yjs ignores what
    /// a peer already has, and the updates that waited for the lost one apply).
    /// </summary>
    async Task RenewAsync(string documentId, FollowedDocument entry)
    {
        if (entry.Follower is not { } follower || await follower.RenewAsync(DateTimeOffset.UtcNow, DocumentListening.LostFramePatience) is not { } caughtUp)
            return;
        logger.LogInformation("{Document} was activated anew or a push to this node was lost; sent its connections the whole document", documentId);
        await DeliverAsync(entry, documentId, WebsocketMessages.UpdateFrame(caughtUp.Snapshot.State), origin: null, savedVersion: null);
    }

    /// <summary>
    /// A frame pushed by a document grain this node listens to. A grain in this process calls this directly inside
    /// its turn (<see cref="LocalDocumentListeners"/>), so nothing here blocks or awaits on the caller's scheduler.
    /// </summary>
    public Task OnFrameAsync(DocumentFrame frame)
    {
        if (_documents.Find(frame.DocumentId) is not { } entry)
            return Task.CompletedTask;
        if (frame.Kind == DocumentFrameKind.Closed)
            return CloseAsync(entry, frame.DocumentId);
        if (frame.Kind == DocumentFrameKind.Update)
            entry.Follower?.Accept(frame, DateTimeOffset.UtcNow);
        return DeliverAsync(entry, frame.DocumentId, frame.Frame, frame.Origin, frame.Kind == DocumentFrameKind.Update ? frame.Version : null);
    }

    async Task CloseAsync(FollowedDocument entry, string documentId)
    {
        foreach (var socket in entry.SocketsNow())
            socket.Close(DocumentClosedReason);
        if (entry.SignalRConnections > 0)
            await hub.Clients.Group(DocumentGroup(documentId)).SendAsync("DocumentClosed", documentId, DocumentClosedReason).ConfigureAwait(false);
    }

    async Task DeliverAsync(FollowedDocument entry, string documentId, byte[] frame, string? origin, long? savedVersion)
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

    public void Dispose()
    {
        _stopping.Cancel();
        if (_self is not null)
        {
            local.Remove(_self);
            cluster.DeleteObjectReference<IDocumentListener>(_self);
        }
    }
}
