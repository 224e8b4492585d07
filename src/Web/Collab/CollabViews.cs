using MessagePack;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Vibe.Grains.Namespaces;

namespace Vibe.Web.Collab;

// MessagePack maps with camelCase keys, the shape the browser's msgpack protocol decodes into objects.
[MessagePackObject]
public sealed record ProjectJoined([property: Key("projectId")] string ProjectId, [property: Key("role")] string Role);

[MessagePackObject]
public sealed record DocumentJoined(
    [property: Key("documentId")] string DocumentId,
    [property: Key("role")] string Role,
    [property: Key("readOnly")] bool ReadOnly);

[MessagePackObject]
public sealed record Presence(
    [property: Key("kind")] string Kind,
    [property: Key("pubkey")] string Pubkey,
    [property: Key("name")] string Name,
    [property: Key("color")] string Color,
    [property: Key("documentId")] string? DocumentId);

[MessagePackObject]
public sealed record TreeChange(
    [property: Key("kind")] string Kind,
    [property: Key("path")] string Path,
    [property: Key("from")] string? From,
    [property: Key("fileKind")] string FileKind);

[MessagePackObject]
public sealed record CommentView(
    [property: Key("id")] string Id,
    [property: Key("path")] string Path,
    [property: Key("anchorStart")] byte[] AnchorStart,
    [property: Key("anchorEnd")] byte[] AnchorEnd,
    [property: Key("text")] string Text,
    [property: Key("author")] string Author,
    [property: Key("createdAt")] DateTimeOffset CreatedAt,
    [property: Key("resolved")] bool Resolved);

/// <summary>The shapes sent to browsers (MessagePack maps with camelCase keys); paths are workspace-relative.</summary>
public static class CollabViews
{
    public static TreeChange Tree(NamespaceChanged c) => new(
        c.Kind.ToString().ToLowerInvariant(),
        NamespacePath.ToWorkspace(c.Path),
        c.From is null ? null : NamespacePath.ToWorkspace(c.From),
        c.FileKind == FileKind.Directory ? "dir" : "file");

    public static CommentView Of(Comment c) =>
        new(c.Id, NamespacePath.ToWorkspace(c.Path), c.AnchorStart, c.AnchorEnd, c.Text, c.Author, c.CreatedAt, c.Resolved);

    /// <summary>A stable colour per user, so everyone sees the same person in the same colour.</summary>
    public static string ColorOf(string pubkey)
    {
        var hue = Convert.ToInt32(pubkey[..4], 16) % 360;
        return $"hsl({hue} 70% 45%)";
    }

    public static string NameOf(string pubkey) => Grains.Identity.NostrKeys.ToNpub(pubkey)[..12] + "…";
}
