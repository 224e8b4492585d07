using Vibe.Grains.Blobs;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Tests.Namespaces;

/// <summary>A content store in a dictionary, with a switch that makes writes fail like a broken disk.</summary>
sealed class InMemoryContentStore : IFileContentStore
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, a put for a path this matches throws <see cref="IOException"/>.</summary>
    public Func<string, bool> FailPut { get; set; } = _ => false;

    /// <summary>When set, moving a path this matches throws <see cref="IOException"/>.</summary>
    public Func<string, bool> FailMove { get; set; } = _ => false;

    public Task<(ContentKind Kind, string? BlobHash)> PutAsync(string path, byte[] bytes, ContentKind previous, CancellationToken ct)
    {
        if (FailPut(path))
            throw new IOException($"Simulated storage failure writing {path}.");
        Files[path] = bytes.ToArray();
        return Task.FromResult(TextDetector.TryDecode(path, bytes, out _)
            ? (ContentKind.Document, (string?)null)
            : (ContentKind.Blob, BlobHash.Of(bytes)));
    }

    public Task<byte[]> GetAsync(string path, IndexEntry entry, CancellationToken ct) =>
        Task.FromResult(Files.TryGetValue(path, out var bytes) ? bytes.ToArray() : throw new InvalidOperationException($"No content for {path}."));

    public Task MoveAsync(string from, string to, IndexEntry entry, CancellationToken ct)
    {
        if (FailMove(from))
            throw new IOException($"Simulated storage failure moving {from}.");
        Files[to] = Files[from];
        Files.Remove(from);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string path, IndexEntry entry, CancellationToken ct)
    {
        Files.Remove(path);
        return Task.CompletedTask;
    }
}
