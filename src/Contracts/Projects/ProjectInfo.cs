namespace Vibe.Contracts.Projects;

[GenerateSerializer, Alias("vibe.project-info")]
public sealed record ProjectInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Template,
    [property: Id(4)] IReadOnlyDictionary<string, ProjectRole> Members,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] bool Archived);

[GenerateSerializer, Alias("vibe.project-activity")]
public sealed record ActivityEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Detail);

/// <summary>What one user may do in a project: their role, and whether the project is archived (read-only).</summary>
[GenerateSerializer, Alias("vibe.project-access")]
public sealed record ProjectAccess(
    [property: Id(0)] bool Exists,
    [property: Id(1)] ProjectRole Role,
    [property: Id(2)] bool Archived);
