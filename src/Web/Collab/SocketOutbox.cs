using System.Net.WebSockets;

namespace Vibe.Web.Collab;

/// <summary>
/// The single writer of a raw WebSocket: frames from any thread go out in the order they were posted, one send
/// at a time. A frame posted while nothing is being sent is sent at once on the posting thread (a send into
/// Kestrel's buffer seldom waits), so relaying a keystroke does not wake another thread per connection; frames
/// posted meanwhile queue behind it. Bounded, so a client that stops reading cannot make the node buffer
/// without limit: its frames are dropped.
/// </summary>
public sealed class SocketOutbox(WebSocket socket, WebSocketMessageType messageType, int capacity)
{
    readonly Queue<byte[]> _queue = new();
    readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    bool _sending;
    bool _completed;
    bool _gone;
    WebSocketCloseStatus? _closeStatus;
    string? _closeReason;

    /// <summary>
    /// False when the queue is full or the outbox was completed (the frame is dropped). Frames for a client that
    /// has gone away are dropped quietly.
    /// </summary>
    public bool TryPost(byte[] frame)
    {
        lock (_queue)
        {
            if (_gone)
                return true;
            if (_completed)
                return false;
            if (_sending)
            {
                if (_queue.Count >= capacity)
                    return false;
                _queue.Enqueue(frame);
                return true;
            }
            _sending = true;
        }
        _ = SendAsync(frame);
        return true;
    }

    /// <summary>
    /// No more frames: once what is queued has been sent, the socket is closed with <paramref name="closeStatus"/>
    /// when one is given (the client is told why), and <see cref="RunAsync"/> ends.
    /// </summary>
    public void Complete(WebSocketCloseStatus? closeStatus = null, string? reason = null)
    {
        lock (_queue)
        {
            if (closeStatus is not null && _closeStatus is null)
            {
                _closeReason = reason;
                _closeStatus = closeStatus;
            }
            if (_completed)
                return;
            _completed = true;
            if (_sending)
                return;
            _sending = true;
        }
        _ = FinishAsync();
    }

    /// <summary>Ends when the outbox is complete and everything queued was sent, or the client went away.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        try
        {
            await _finished.Task.WaitAsync(aborted);
        }
        catch (OperationCanceledException)
        {
            // The connection was aborted: its sends fail on their own.
        }
    }

    /// <summary>Sends <paramref name="frame"/> and then whatever queued meanwhile; the one sender while it runs.</summary>
    async Task SendAsync(byte[] frame)
    {
        try
        {
            while (true)
            {
                if (socket.State != WebSocketState.Open)
                {
                    Gone();
                    return;
                }
                await socket.SendAsync(frame, messageType, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                lock (_queue)
                {
                    if (_queue.TryDequeue(out var next))
                    {
                        frame = next;
                        continue;
                    }
                    if (!_completed)
                    {
                        _sending = false;
                        return;
                    }
                }
                break;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            Gone();
            return;
        }
        await FinishAsync().ConfigureAwait(false);
    }

    async Task FinishAsync()
    {
        try
        {
            if (_closeStatus is { } status && socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(status, _closeReason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The client went away first.
        }
        _finished.TrySetResult();
    }

    void Gone()
    {
        lock (_queue)
        {
            _gone = true;
            _queue.Clear();
        }
        _finished.TrySetResult();
    }
}
