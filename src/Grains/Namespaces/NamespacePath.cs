using Vibe.Contracts.Errors;

namespace Vibe.Grains.Namespaces;

/// <summary>
/// Validation and normalisation of namespace paths. Every path that reaches a file service went through
/// <see cref="Normalize"/>, so services never see <c>..</c>, NUL, empty segments or over-long names.
/// </summary>
public static class NamespacePath
{
    public const int MaxLength = 1024;
    public const int MaxSegmentLength = 255;
    public const string Workspace = "/workspace";

    /// <summary>Returns the canonical absolute form (<c>/a/b</c>, no trailing slash) or throws <c>path.invalid</c>.</summary>
    public static string Normalize(string? path)
    {
        if (string.IsNullOrEmpty(path))
            throw Invalid("The path is empty.");
        if (path.Length > MaxLength)
            throw Invalid($"The path is longer than {MaxLength} characters.");
        if (path[0] != '/')
            throw Invalid("The path must be absolute (start with '/').");
        foreach (var c in path)
        {
            if (c == '\0')
                throw Invalid("The path contains a NUL character.");
            if (char.IsControl(c))
                throw Invalid("The path contains a control character.");
            if (c == '\\')
                throw Invalid("The path contains a backslash; use '/' to separate names.");
        }

        var trimmed = path.TrimEnd('/');
        if (trimmed.Length == 0)
            return "/";
        var segments = trimmed.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var s = segments[i];
            if (s.Length == 0)
                throw Invalid("The path contains an empty name ('//').");
            if (s is "." or "..")
                throw new VibeException(VibeErrorCodes.PathInvalid, "The path contains '.' or '..' names; paths must be canonical.");
            if (s.Length > MaxSegmentLength)
                throw Invalid($"A name in the path is longer than {MaxSegmentLength} characters.");
        }
        return trimmed;
    }

    /// <summary>
    /// Maps a path relative to <c>/workspace</c> (as the REST API takes it) to its namespace path.
    /// Anything that would leave the workspace is refused with <c>path.outside_workspace</c>.
    /// </summary>
    public static string FromWorkspace(string? relative)
    {
        relative ??= "";
        if (relative.Length > MaxLength)
            throw Invalid($"The path is longer than {MaxLength} characters.");
        if (relative.Contains('\0'))
            throw Invalid("The path contains a NUL character.");
        foreach (var segment in relative.Split('/', '\\'))
        {
            if (segment == "..")
                throw new VibeException(VibeErrorCodes.PathOutsideWorkspace, "The path leaves /workspace ('..').");
        }
        var rel = relative.TrimStart('/');
        return Normalize(rel.Length == 0 ? Workspace : $"{Workspace}/{rel}");
    }

    /// <summary>The workspace-relative form (<c>/src/App.tsx</c>) of a path under <c>/workspace</c>.</summary>
    public static string ToWorkspace(string path) =>
        path == Workspace ? "/" : path.StartsWith(Workspace + "/", StringComparison.Ordinal) ? path[Workspace.Length..] : path;

    public static string Parent(string path)
    {
        var i = path.LastIndexOf('/');
        return i <= 0 ? "/" : path[..i];
    }

    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>True when <paramref name="path"/> equals <paramref name="prefix"/> or lies below it.</summary>
    public static bool IsWithin(string path, string prefix) =>
        prefix == "/" || path == prefix || (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path[prefix.Length] == '/');

    static VibeException Invalid(string message) => new(VibeErrorCodes.PathInvalid, message);
}
