namespace Vibe.Contracts.Namespaces;

[GenerateSerializer, Alias("vibe.file-kind")]
public enum FileKind
{
    File = 0,
    Directory = 1,
}

/// <summary>What <c>stat</c> and <c>readdir</c> report for one path of the namespace.</summary>
[GenerateSerializer, Alias("vibe.file-entry")]
public sealed record FileEntry(
    [property: Id(0)] string Path,
    [property: Id(1)] FileKind Kind,
    [property: Id(2)] long Size,
    [property: Id(3)] DateTimeOffset Modified);

/// <summary>A file's bytes with its metadata.</summary>
[GenerateSerializer, Alias("vibe.file-content")]
public sealed record FileContent(
    [property: Id(0)] FileEntry Entry,
    [property: Id(1)] byte[] Bytes);

/// <summary>
/// A project's security policy, checked on every namespace call. Paths are prefixes in the namespace
/// (e.g. <c>/workspace</c>); a path is allowed when it equals a prefix or lies below one.
/// </summary>
[GenerateSerializer, Alias("vibe.namespace-policy")]
public sealed record NamespacePolicy(
    [property: Id(0)] IReadOnlyList<string> Readable,
    [property: Id(1)] IReadOnlyList<string> Writable,
    [property: Id(2)] long MaxFileBytes)
{
    public const long DefaultMaxFileBytes = 10 * 1024 * 1024;

    public static NamespacePolicy Default { get; } = new(["/workspace", "/logs"], ["/workspace", "/logs"], DefaultMaxFileBytes);
}

[GenerateSerializer, Alias("vibe.namespace-change-kind")]
public enum NamespaceChangeKind
{
    Created = 0,
    Modified = 1,
    Deleted = 2,
    Moved = 3,
}

/// <summary>Everything published on a project's stream <c>project/{projectId}</c>.</summary>
[GenerateSerializer, Alias("vibe.project-event")]
public abstract record ProjectEvent([property: Id(0)] string ProjectId);

/// <summary>A change in a project's namespace, published on stream <c>project/{projectId}</c>.</summary>
[GenerateSerializer, Alias("vibe.namespace-changed")]
public sealed record NamespaceChanged(
    string ProjectId,
    [property: Id(1)] NamespaceChangeKind Kind,
    [property: Id(2)] string Path,
    [property: Id(3)] FileKind FileKind,
    [property: Id(4)] string? From,
    [property: Id(5)] DateTimeOffset At) : ProjectEvent(ProjectId);
