using System.Collections.Concurrent;

namespace Vibe.Grains.Identity;

/// <summary>
/// A single-process <see cref="INip98ReplayGuard"/>: ids live in memory until they expire. Enough for one node;
/// a cluster needs a shared guard so an event cannot be replayed against another node.
/// </summary>
public sealed class InMemoryNip98ReplayGuard(TimeProvider time) : INip98ReplayGuard
{
    // Sweeping on a schedule keeps consumption O(1) while bounding memory to roughly one window of traffic.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public InMemoryNip98ReplayGuard() : this(TimeProvider.System)
    {
    }

    /// <summary>How many ids are held (expired ones included until the next sweep).</summary>
    public int Count => _seen.Count;

    public ValueTask<bool> TryConsumeAsync(string eventId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        SweepIfDue(now);
        while (true)
        {
            if (_seen.TryAdd(eventId, expiresAt))
            {
                return ValueTask.FromResult(true);
            }
            if (!_seen.TryGetValue(eventId, out var existing))
            {
                continue; // removed by a sweep in between: try to add again
            }
            if (existing > now)
            {
                return ValueTask.FromResult(false);
            }
            if (_seen.TryUpdate(eventId, expiresAt, existing))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    /// <summary>Removes every expired id now, regardless of the sweep schedule.</summary>
    public void EvictExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (id, expiresAt) in _seen)
        {
            if (expiresAt <= now)
            {
                _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, expiresAt));
            }
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        lock (_sweepLock)
        {
            if (now < _nextSweep)
            {
                return;
            }
            _nextSweep = now + SweepInterval;
        }
        EvictExpired();
    }
}
