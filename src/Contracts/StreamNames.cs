namespace Vibe.Contracts;

/// <summary>The one stream provider and its namespaces (see ARCHITECTURE.md).</summary>
public static class StreamNames
{
    public const string Provider = "vibe";
    public const string Project = "project";
    public const string Document = "doc";
    public const string Agent = "agent";
    public const string Preview = "preview";

    /// <summary>Grain storage name every Vibe grain persists to.</summary>
    public const string Storage = "vibe";
}
