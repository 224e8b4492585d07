using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Vibe.Grains.Namespaces;

namespace Vibe.Web.Collab;

public sealed record ProjectJoined(string ProjectId, string Role);
public sealed record DocumentJoined(string DocumentId, string Role, bool ReadOnly);
public sealed record Presence(string Kind, string Pubkey, string Name, string Color, string? DocumentId);
public sealed record TreeChange(string Kind, string Path, string? From, string FileKind);
public sealed record CommentView(string Id, string Path, byte[] AnchorStart, byte[] AnchorEnd, string Text, string Author,
    DateTimeOffset CreatedAt, bool Resolved);

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
