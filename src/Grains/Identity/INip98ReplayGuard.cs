namespace Vibe.Grains.Identity;

/// <summary>Remembers NIP-98 event ids so each authorises at most one request.</summary>
public interface INip98ReplayGuard
{
    /// <summary>
    /// Records <paramref name="eventId"/> until <paramref name="expiresAt"/>; true the first time, false if it is
    /// already recorded and not yet expired.
    /// </summary>
    ValueTask<bool> TryConsumeAsync(string eventId, DateTimeOffset expiresAt, CancellationToken ct);
}
