using Microsoft.AspNetCore.SignalR;
using Vibe.Contracts;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Preview;
using Vibe.Web.Collab;

namespace Vibe.Web.Preview;

/// <summary>
/// Follows <c>preview/{id}</c> while this node has IDE connections to the project (the status badge) or HMR
/// sockets of its preview, and relays status changes to the project's SignalR group and HMR messages to the
/// sockets. While it has HMR sockets it also listens to the preview grain (<see cref="IPreviewListener"/>), which
/// pushes each HMR message the moment it exists, without the stream's poll; each message then comes twice and
/// goes out once (docs/preview.md).
/// </summary>
public sealed class PreviewFanout(IClusterClient cluster, IHubContext<CollabHub> hub, ILogger<PreviewFanout> logger) : IPreviewListener, IDisposable
{
    public sealed class FollowedPreview : Followed
    {
        /// <summary>The last HMR message relayed (guarded by the entry's lock).</summary>
        public long LastHmr;
    }

    readonly Following<FollowedPreview> _previews = new(logger);
    readonly CancellationTokenSource _stopping = new();
    readonly Lock _starting = new();
    IPreviewListener? _self;

    /// <summary>
    /// An IDE connection (<paramref name="socket"/> null) or an HMR socket follows the project's preview. The stream
    /// serves both; only HMR sockets need the push, so the node listens to the preview grain only while it has one
    /// (a listener's renewal keeps the grain activated, and an open IDE tab should not keep an idle preview so).
    /// </summary>
    public async Task AddAsync(string projectId, IFrameSink? socket)
    {
        await _previews.AddAsync(projectId, socket, _ => cluster.FollowAsync<PreviewEvent>(StreamNames.Preview, projectId, OnPreviewEventAsync));
        if (socket is not null)
            await cluster.GetGrain<IPreviewGrain>(projectId).ListenAsync(Self());
    }

    public async Task RemoveAsync(string projectId, IFrameSink? socket)
    {
        await _previews.RemoveAsync(projectId, socket);
        // A socket that arrives meanwhile is listened for again by the next renewal.
        if (socket is not null && _self is { } listener && (_previews.Find(projectId)?.SocketsNow().Length ?? 0) == 0)
            await cluster.GetGrain<IPreviewGrain>(projectId).UnlistenAsync(listener);
    }

    IPreviewListener Self()
    {
        lock (_starting)
        {
            if (_self is null)
            {
                _self = cluster.CreateObjectReference<IPreviewListener>(this);
                // Renewed well inside the lease, for the previews this node has HMR sockets for.
                _ = _previews.RenewEveryAsync(DocumentListening.RenewEvery,
                    (projectId, entry) => entry.SocketsNow().Length == 0 ? Task.CompletedTask : cluster.GetGrain<IPreviewGrain>(projectId).ListenAsync(_self!),
                    _stopping.Token);
            }
            return _self;
        }
    }

    /// <summary>An HMR message pushed by the preview grain.</summary>
    public Task OnHmrAsync(PreviewHmr message) => OnPreviewEventAsync(message);

    async Task OnPreviewEventAsync(PreviewEvent e)
    {
        if (_previews.Find(e.ProjectId) is not { } entry)
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
                await hub.Clients.Group(ProjectFanout.ProjectGroup(e.ProjectId)).SendAsync("PreviewStatus", e.ProjectId, PreviewViews.Of(changed.Status));
                break;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        if (_self is not null)
            cluster.DeleteObjectReference<IPreviewListener>(_self);
    }
}
