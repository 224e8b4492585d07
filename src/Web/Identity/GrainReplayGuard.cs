using Vibe.Contracts.Identity;
using Vibe.Grains.Identity;

namespace Vibe.Web.Identity;

/// <summary>Replay protection shared by every web node: the seen ids live in sharded grains.</summary>
public sealed class GrainReplayGuard(IGrainFactory grains) : INip98ReplayGuard
{
    public async ValueTask<bool> TryConsumeAsync(string eventId, DateTimeOffset expiresAt, CancellationToken ct) =>
        await grains.GetGrain<IAuthReplayGrain>(AuthReplayGrain.ShardOf(eventId)).TryConsumeAsync(eventId, expiresAt);
}
