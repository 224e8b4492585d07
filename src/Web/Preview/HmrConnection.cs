using System.Net.WebSockets;
using Vibe.Contracts.Preview;
using Vibe.Web.Collab;

namespace Vibe.Web.Preview;

/// <summary>
/// One preview page's HMR socket (<c>/preview/{projectId}/@vibe/hmr</c>): the messages of
/// <see cref="IPreviewGrain.ConnectAsync"/> first, then every <see cref="PreviewHmr"/> of the project's
/// stream as a text frame; the page's <c>runtime-error</c> reports go to the grain.
/// </summary>
public sealed class HmrConnection(WebSocket socket, IPreviewGrain preview, ILogger<HmrConnection> logger) : IFrameSink
{
    /// <summary>Reports a page may make per second, on average; a page in an error loop must not flood the grain.</summary>
    const double ReportsPerSecond = 2;
    const double ReportBurst = 10;
    /// <summary>The grain stops a preview that nobody asked for in a while; an open page counts as asking.</summary>
    static readonly TimeSpan KeepAliveEvery = TimeSpan.FromSeconds(30);

    readonly SocketOutbox _outbox = new(socket, WebSocketMessageType.Text, capacity: 1024);
    // Stream messages that arrive before the connect messages are queued are held back, so the page sees them in order.
    List<byte[]>? _early = [];
    double _reportTokens = ReportBurst;
    long _lastRefill = Environment.TickCount64;

    public string ConnectionId { get; } = "hmr-" + Guid.NewGuid().ToString("N");

    public void Send(byte[] frame)
    {
        lock (_outbox)
        {
            if (_early is not null)
            {
                _early.Add(frame);
                return;
            }
        }
        Enqueue(frame);
    }

    public void Close(string reason) => _outbox.Complete(WebSocketCloseStatus.NormalClosure, reason);

    void Enqueue(byte[] frame)
    {
        if (!_outbox.TryPost(frame))
            logger.LogWarning("HMR socket {Connection} is not reading; a message was dropped", ConnectionId);
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        var sender = _outbox.RunAsync(aborted);
        using var stopKeepAlive = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var keepAlive = KeepAliveAsync(stopKeepAlive.Token);
        try
        {
            var first = await preview.ConnectAsync();
            lock (_outbox)
            {
                foreach (var message in first)
                    Enqueue(System.Text.Encoding.UTF8.GetBytes(message));
                foreach (var message in _early!)
                    Enqueue(message);
                _early = null;
            }
            await ReceiveLoopAsync(aborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The page went away.
        }
        finally
        {
            _outbox.Complete();
            await stopKeepAlive.CancelAsync();
            await Task.WhenAll(sender, keepAlive);
        }
    }

    async Task KeepAliveAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(KeepAliveEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await preview.GetStatusAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "HMR socket {Connection}: keeping the preview alive failed", ConnectionId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    async Task ReceiveLoopAsync(CancellationToken aborted)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        var oversize = false;
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }
            if (!oversize)
            {
                message.Write(buffer, 0, result.Count);
                oversize = message.Length > PageMessages.MaxMessageBytes;
            }
            if (!result.EndOfMessage)
                continue;
            if (oversize)
                logger.LogInformation("HMR socket {Connection}: ignored a page message over {Max} bytes", ConnectionId, PageMessages.MaxMessageBytes);
            else if (result.MessageType == WebSocketMessageType.Text)
                await OnPageMessageAsync(message.GetBuffer().AsMemory(0, (int)message.Length));
            else
                logger.LogInformation("HMR socket {Connection}: ignored a binary page message", ConnectionId);
            message.SetLength(0);
            oversize = false;
        }
    }

    async Task OnPageMessageAsync(ReadOnlyMemory<byte> utf8)
    {
        switch (PageMessages.Read(utf8.Span, out var error, out var problem))
        {
            case PageMessages.Kind.Malformed:
                logger.LogInformation("HMR socket {Connection}: ignored a malformed page message: {Problem}", ConnectionId, problem);
                return;
            case PageMessages.Kind.Ignored:
                return;
        }
        if (!TakeReportToken())
        {
            logger.LogDebug("HMR socket {Connection}: runtime error dropped, the page reports too often", ConnectionId);
            return;
        }
        try
        {
            await preview.ReportRuntimeErrorAsync(error!);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "HMR socket {Connection}: reporting a runtime error failed", ConnectionId);
        }
    }

    bool TakeReportToken()
    {
        var now = Environment.TickCount64;
        _reportTokens = Math.Min(ReportBurst, _reportTokens + (now - _lastRefill) / 1000.0 * ReportsPerSecond);
        _lastRefill = now;
        if (_reportTokens < 1)
            return false;
        _reportTokens--;
        return true;
    }
}
