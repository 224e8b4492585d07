using Vibe.Contracts.Documents;
using Vibe.Contracts.Errors;
using Vibe.Grains.Blobs;

namespace Vibe.Grains.Namespaces;

/// <summary>
/// Content for <c>/workspace</c>: text files are document grains (<c>{projectId}/{path}</c>) so people and
/// agents can edit them together; binary files are blobs. With <c>documents = false</c> (the <c>/logs</c>
/// mount) everything is a blob.
/// </summary>
public sealed class WorkspaceContentStore(IGrainFactory grains, IBlobStore blobs, string projectId, bool documents) : IFileContentStore
{
    /// <summary>A document's key: the project id and the workspace-relative path, <c>abc123/src/App.tsx</c>.</summary>
    public static string DocumentKey(string projectId, string path) => $"{projectId}{NamespacePath.ToWorkspace(path)}";

    public async Task<(ContentKind Kind, string? BlobHash)> PutAsync(string path, byte[] bytes, ContentKind previous, CancellationToken ct)
    {
        if (documents && TextDetector.TryDecode(path, bytes, out var text))
        {
            await Document(path).SetTextAsync(text);
            return (ContentKind.Document, null);
        }
        var hash = await blobs.PutAsync(bytes, ct);
        // A file that turned binary must not leave a stale document behind its path.
        if (previous == ContentKind.Document)
            await Document(path).ClearAsync();
        return (ContentKind.Blob, hash);
    }

    public async Task<byte[]> GetAsync(string path, IndexEntry entry, CancellationToken ct)
    {
        switch (entry.Content)
        {
            case ContentKind.Document:
                return TextDetector.Encode((await Document(path).GetTextAsync()).Text);
            case ContentKind.Blob when entry.BlobHash is { } hash:
                return await blobs.GetAsync(hash, ct)
                    ?? throw new VibeException(VibeErrorCodes.FileNotFound, $"The content of {path} is missing from the blob store.");
            default:
                return [];
        }
    }

    public async Task MoveAsync(string from, string to, IndexEntry entry, CancellationToken ct)
    {
        if (entry.Content != ContentKind.Document)
            return;
        var text = await Document(from).GetTextAsync();
        await Document(to).SetTextAsync(text.Text);
        await Document(from).ClearAsync();
    }

    public async Task DeleteAsync(string path, IndexEntry entry, CancellationToken ct)
    {
        // Blobs are shared by every file with the same bytes and are never deleted here.
        if (entry.Content == ContentKind.Document)
            await Document(path).ClearAsync();
    }

    IDocumentGrain Document(string path) => grains.GetGrain<IDocumentGrain>(DocumentKey(projectId, path));
}
