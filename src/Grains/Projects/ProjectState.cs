using Vibe.Contracts.Projects;

namespace Vibe.Grains.Projects;

[GenerateSerializer, Alias("vibe.project-state")]
public sealed class ProjectState
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public bool Deleted { get; set; }
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public string Owner { get; set; } = "";
    [Id(4)] public string Template { get; set; } = "";
    [Id(5)] public Dictionary<string, ProjectRole> Members { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
    [Id(7)] public bool Archived { get; set; }
    [Id(8)] public List<ActivityEntry> Activity { get; set; } = [];
    [Id(9)] public List<Comment> Comments { get; set; } = [];
}
