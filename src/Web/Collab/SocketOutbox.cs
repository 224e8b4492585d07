using System.Net.WebSockets;
using System.Threading.Channels;

namespace Vibe.Web.Collab;

/// <summary>
/// The single writer of a raw WebSocket: frames from any thread queue here and one loop sends them in order.
/// Bounded, so a client that stops reading cannot make the node buffer without limit; its frames are dropped.
/// </summary>
public sealed class SocketOutbox(WebSocket socket, WebSocketMessageType messageType, int capacity)
{
    readonly Channel<byte[]> _frames = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>False when the queue is full (the frame is dropped) or closed.</summary>
    public bool TryPost(byte[] frame) => _frames.Writer.TryWrite(frame);

    WebSocketCloseStatus? _closeStatus;
    string? _closeReason;

    /// <summary>
    /// No more frames: <see cref="RunAsync"/> ends once it has sent what is queued, then closes the socket
    /// with <paramref name="closeStatus"/> when one is given (the client is told why).
    /// </summary>
    public void Complete(WebSocketCloseStatus? closeStatus = null, string? reason = null)
    {
        if (closeStatus is not null && _closeStatus is null)
        {
            _closeReason = reason;
            _closeStatus = closeStatus;
        }
        _frames.Writer.TryComplete();
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        try
        {
            await foreach (var frame in _frames.Reader.ReadAllAsync(aborted))
            {
                if (socket.State != WebSocketState.Open)
                    return;
                await socket.SendAsync(frame, messageType, endOfMessage: true, aborted);
            }
            if (_closeStatus is { } status && socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(status, _closeReason, aborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
    }
}
