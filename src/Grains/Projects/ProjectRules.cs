using Vibe.Contracts.Projects;

namespace Vibe.Grains.Projects;

/// <summary>The rules a project's state must keep, as plain functions the grain and tests share.</summary>
public static class ProjectRules
{
    public const int MaxNameLength = 100;
    public const int MaxActivity = 200;
    public const int MaxCommentLength = 4000;

    public static string ValidName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new VibeException(VibeErrorCodes.ProjectNameInvalid, "The project name is empty.");
        if (trimmed.Length > MaxNameLength)
            throw new VibeException(VibeErrorCodes.ProjectNameInvalid, $"The project name is longer than {MaxNameLength} characters.");
        if (trimmed.Any(char.IsControl))
            throw new VibeException(VibeErrorCodes.ProjectNameInvalid, "The project name contains control characters.");
        return trimmed;
    }

    /// <summary>A Nostr public key as the 64 lowercase hex digits of its x coordinate.</summary>
    public static string ValidPubkey(string? pubkey)
    {
        if (pubkey is null || pubkey.Length != 64 || !pubkey.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new VibeException(VibeErrorCodes.PubkeyInvalid, "A public key is 64 lowercase hex characters.");
        return pubkey;
    }

    /// <summary>A project must always keep one admin, or nobody could manage it again.</summary>
    public static void KeepsAnAdmin(IReadOnlyDictionary<string, ProjectRole> members, string changed, ProjectRole newRole)
    {
        var admins = members.Count(m => m.Value == ProjectRole.Admin && m.Key != changed) + (newRole == ProjectRole.Admin ? 1 : 0);
        if (admins == 0)
            throw new VibeException(VibeErrorCodes.LastAdmin, "A project needs at least one admin; make someone else admin first.");
    }

    /// <summary>
    /// A short id from the name: lowercase slug plus random suffix, e.g. <c>todo-app-k3x9q2</c>, safe in
    /// URLs, file names and grain keys.
    /// </summary>
    public static string NewId(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray());
        slug = string.Join('-', slug.Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 24)
            slug = slug[..24].TrimEnd('-');
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        var suffix = System.Security.Cryptography.RandomNumberGenerator.GetString(alphabet, 6);
        return slug.Length == 0 ? suffix : $"{slug}-{suffix}";
    }

    public static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
