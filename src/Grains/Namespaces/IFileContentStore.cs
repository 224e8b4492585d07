namespace Vibe.Grains.Namespaces;

/// <summary>Stores the bytes behind index entries. The index only records where they went.</summary>
public interface IFileContentStore
{
    /// <summary>Stores the bytes of <paramref name="path"/> durably and says where they are.</summary>
    Task<(ContentKind Kind, string? BlobHash)> PutAsync(string path, byte[] bytes, ContentKind previous, CancellationToken ct);
    Task<byte[]> GetAsync(string path, IndexEntry entry, CancellationToken ct);
    /// <summary>Moves content that is keyed by path (documents); blobs need nothing.</summary>
    Task MoveAsync(string from, string to, IndexEntry entry, CancellationToken ct);
    Task DeleteAsync(string path, IndexEntry entry, CancellationToken ct);
}
