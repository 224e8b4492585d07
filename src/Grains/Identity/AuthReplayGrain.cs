using Vibe.Contracts.Identity;

namespace Vibe.Grains.Identity;

/// <summary>
/// Seen NIP-98 event ids of one shard, kept in memory until they expire. Not persisted: an id is only
/// valid for ±60 s, and losing the set when a silo dies opens at most that window for that shard.
/// </summary>
public sealed class AuthReplayGrain(TimeProvider time) : Grain, IAuthReplayGrain
{
    readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public Task<bool> TryConsumeAsync(string eventId, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        if (_seen.Count > 1024)
        {
            foreach (var stale in _seen.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList())
                _seen.Remove(stale);
        }
        if (_seen.TryGetValue(eventId, out var until) && until >= now)
            return Task.FromResult(false);
        _seen[eventId] = expiresAt;
        return Task.FromResult(true);
    }

    /// <summary>The shard an event id belongs to: its first two hex digits.</summary>
    public static string ShardOf(string eventId) => eventId.Length >= 2 ? eventId[..2] : "00";
}
