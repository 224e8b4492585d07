namespace Vibe.Contracts.Identity;

/// <summary>A user: a Nostr public key (lowercase hex, the grain key) and the projects it belongs to.</summary>
[Alias("vibe.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("GetProjects")] Task<IReadOnlyList<string>> GetProjectsAsync();
    [Alias("AddProject")] Task AddProjectAsync(string projectId);
    [Alias("RemoveProject")] Task RemoveProjectAsync(string projectId);
    /// <summary>The name and colour collaborators see; null fields when the user never set them.</summary>
    [Alias("GetProfile")] Task<UserProfile> GetProfileAsync();
    /// <summary>Sets the name (1–40 characters, no control characters) and colour (<c>#rrggbb</c>).</summary>
    [Alias("SetProfile")] Task<UserProfile> SetProfileAsync(UserProfile profile);
}

[GenerateSerializer, Alias("vibe.user-profile")]
public sealed record UserProfile(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Color)
{
    public const int MaxNameLength = 40;

    /// <summary>The profile trimmed and checked; throws a validation error naming the bad field.</summary>
    public UserProfile Validated()
    {
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            throw new VibeException(VibeErrorCodes.Validation, $"name must be 1 to {MaxNameLength} characters.");
        if (name.Any(char.IsControl))
            throw new VibeException(VibeErrorCodes.Validation, "name must not contain control characters.");
        if (Color is null || Color.Length != 7 || Color[0] != '#' || !Color.Skip(1).All(char.IsAsciiHexDigit))
            throw new VibeException(VibeErrorCodes.Validation, "color must be #rrggbb.");
        return new UserProfile(name, Color.ToLowerInvariant());
    }
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
