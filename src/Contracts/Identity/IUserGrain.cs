namespace Vibe.Contracts.Identity;

/// <summary>A user: a Nostr public key (lowercase hex, the grain key) and the projects it belongs to.</summary>
[Alias("vibe.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("GetProjects")] Task<IReadOnlyList<string>> GetProjectsAsync();
    [Alias("AddProject")] Task AddProjectAsync(string projectId);
    [Alias("RemoveProject")] Task RemoveProjectAsync(string projectId);
}

/// <summary>
/// Remembers NIP-98 event ids until they expire so each signed request is accepted once across the cluster.
/// Keyed by a shard of the id space so no single activation sees every request.
/// </summary>
[Alias("vibe.IAuthReplayGrain")]
public interface IAuthReplayGrain : IGrainWithStringKey
{
    [Alias("TryConsume")] Task<bool> TryConsumeAsync(string eventId, DateTimeOffset expiresAt);
}
