using Orleans.Streams;
using Vibe.Contracts;

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

/// <summary>One thing this node follows (a document, a project, a preview) with the local connections that want it.</summary>
public class Followed
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

/// <summary>
/// What this web node follows, by key, each only while it has local connections to it: the first connection
/// starts following (a stream subscription, a listener registration), the last one to leave stops it. Changes
/// go one at a time, so a key is never followed twice.
/// </summary>
public sealed class Following<T>(ILogger logger) where T : Followed, new()
{
    readonly Dictionary<string, T> _entries = new(StringComparer.Ordinal);
    readonly SemaphoreSlim _gate = new(1, 1);

    public T? Find(string key)
    {
        lock (_entries)
            return _entries.GetValueOrDefault(key);
    }

    public KeyValuePair<string, T>[] Now()
    {
        lock (_entries)
            return _entries.ToArray();
    }

    /// <summary>Adds a SignalR connection (<paramref name="socket"/> null) or a raw socket; the first one runs <paramref name="follow"/>.</summary>
    public async Task AddAsync(string key, IFrameSink? socket, Func<T, Task<Func<Task>>> follow)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new T();
                entry.Unsubscribe = await follow(entry);
                lock (_entries)
                    _entries[key] = entry;
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

    public async Task RemoveAsync(string key, IFrameSink? socket)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_entries.TryGetValue(key, out var entry))
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
                lock (_entries)
                    _entries.Remove(key);
                try
                {
                    await entry.Unsubscribe!();
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Unfollowing {Key} failed", key);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Every <paramref name="every"/> until <paramref name="stopping"/>, runs <paramref name="renew"/> for each key
    /// followed then (a listener's renewal, well inside its lease); a failure is logged and tried again next time.
    /// </summary>
    public async Task RenewEveryAsync(TimeSpan every, Func<string, T, Task> renew, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                foreach (var (key, entry) in Now())
                {
                    try
                    {
                        await renew(key, entry);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogWarning(e, "Renewing this node's listener on {Key} failed; retrying", key);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

public static class StreamFollowing
{
    /// <summary>Subscribes to one stream of Vibe's provider and returns how to unsubscribe.</summary>
    public static async Task<Func<Task>> FollowAsync<T>(this IClusterClient cluster, string streamNamespace, string key, Func<T, Task> onEvent)
    {
        var stream = cluster.GetStreamProvider(StreamNames.Provider).GetStream<T>(StreamId.Create(streamNamespace, key));
        var handle = await stream.SubscribeAsync((e, _) => onEvent(e));
        return () => handle.UnsubscribeAsync();
    }
}
