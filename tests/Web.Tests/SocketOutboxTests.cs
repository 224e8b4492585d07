using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Vibe.Web.Collab;

namespace Vibe.Web.Tests;

/// <summary>The single writer of a raw WebSocket, over a real loopback TCP connection.</summary>
public sealed class SocketOutboxTests : IAsyncLifetime
{
    WebSocket _server = null!;
    WebSocket _client = null!;
    readonly List<IDisposable> _owned = [];

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await listener.AcceptTcpClientAsync();
        _owned.Add(client);
        _owned.Add(server);
        _server = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public Task DisposeAsync()
    {
        _server.Dispose();
        _client.Dispose();
        foreach (var o in _owned)
            o.Dispose();
        return Task.CompletedTask;
    }

    async Task<(List<byte[]> Frames, WebSocketCloseStatus? Status, string? Reason)> ReadAllAsync(int? count = null)
    {
        var frames = new List<byte[]>();
        var buffer = new byte[2 * 1024 * 1024];
        while (count is null || frames.Count < count)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _client.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
                return (frames, result.CloseStatus, result.CloseStatusDescription);
            frames.Add(message.ToArray());
        }
        return (frames, null, null);
    }

    [Fact]
    public async Task Frames_posted_from_many_threads_all_arrive_each_threads_in_order()
    {
        var outbox = new SocketOutbox(_server, WebSocketMessageType.Binary, capacity: 100_000);
        var reading = ReadAllAsync(8 * 500);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
                Assert.True(outbox.TryPost([(byte)t, (byte)(i >> 8), (byte)i]));
        })));
        var (frames, _, _) = await reading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(8 * 500, frames.Count);
        foreach (var sender in frames.GroupBy(f => f[0]))
            Assert.Equal(Enumerable.Range(0, 500), sender.Select(f => (f[1] << 8) | f[2]));
    }

    [Fact]
    public async Task Completing_with_a_status_sends_what_is_queued_then_closes_with_it()
    {
        var outbox = new SocketOutbox(_server, WebSocketMessageType.Binary, capacity: 16);
        var running = outbox.RunAsync(CancellationToken.None);
        for (var i = 0; i < 5; i++)
            outbox.TryPost([(byte)i]);
        outbox.Complete((WebSocketCloseStatus)4404, "the file was deleted");
        Assert.False(outbox.TryPost([99]));

        var (frames, status, reason) = await ReadAllAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, 5), frames.Select(f => (int)f[0]));
        Assert.Equal((WebSocketCloseStatus)4404, status);
        Assert.Equal("the file was deleted", reason);
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_client_that_stops_reading_gets_its_frames_dropped_beyond_the_queue()
    {
        var outbox = new SocketOutbox(_server, WebSocketMessageType.Binary, capacity: 4);
        var frame = new byte[1024 * 1024];
        // Nobody reads: the kernel's buffers fill, the send waits, and the queue behind it fills up.
        var accepted = 0;
        for (var i = 0; i < 200 && outbox.TryPost(frame); i++)
            accepted++;
        Assert.InRange(accepted, 5, 199);

        // Once the client reads again, everything accepted arrives and the outbox takes frames again.
        var (frames, _, _) = await ReadAllAsync(accepted).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(accepted, frames.Count);
        await Task.Delay(50);
        Assert.True(outbox.TryPost([1]));
    }

    [Fact]
    public async Task A_client_that_went_away_ends_the_outbox_and_later_frames_are_dropped_quietly()
    {
        var outbox = new SocketOutbox(_server, WebSocketMessageType.Binary, capacity: 16);
        var running = outbox.RunAsync(CancellationToken.None);
        _client.Abort();
        foreach (var o in _owned)
            o.Dispose();
        // The first sends may still reach the kernel; the outbox notices once a send fails.
        for (var i = 0; i < 100 && !running.IsCompleted; i++)
        {
            Assert.True(outbox.TryPost(new byte[64 * 1024]));
            await Task.Delay(10);
        }
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(outbox.TryPost([1]));
    }
}
