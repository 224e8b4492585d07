using Vibe.Contracts.Namespaces;

namespace Vibe.Contracts.Projects;

/// <summary>
/// A comment on a range of a document, anchored by two encoded Yjs relative positions so it follows the
/// text as people edit around it. Persisted with the project.
/// </summary>
[GenerateSerializer, Alias("vibe.comment")]
public sealed record Comment(
    [property: Id(0)] string Id,
    [property: Id(1)] string Path,
    [property: Id(2)] byte[] AnchorStart,
    [property: Id(3)] byte[] AnchorEnd,
    [property: Id(4)] string Text,
    [property: Id(5)] string Author,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] bool Resolved);

/// <summary>A comment was added or resolved; published on the project's stream.</summary>
[GenerateSerializer, Alias("vibe.comment-changed")]
public sealed record CommentChanged(
    string ProjectId,
    [property: Id(1)] Comment Comment) : ProjectEvent(ProjectId);
