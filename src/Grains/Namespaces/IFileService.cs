using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Namespaces;

/// <summary>
/// What a mount serves. Paths given to a service are absolute namespace paths already normalised and
/// checked against the policy; a service answers only for paths under its own mount point.
/// </summary>
public interface IFileService
{
    Task<FileEntry> StatAsync(string path, CancellationToken ct = default);
    Task<FileContent> ReadAsync(string path, CancellationToken ct = default);
    Task<FileEntry> WriteAsync(string path, byte[] bytes, CancellationToken ct = default);
    Task<IReadOnlyList<FileEntry>> ReadDirAsync(string path, CancellationToken ct = default);
    /// <summary>Every entry at or below <paramref name="path"/>, depth first, parents before children.</summary>
    Task<IReadOnlyList<FileEntry>> TreeAsync(string path, CancellationToken ct = default);
    Task<FileEntry> MkdirAsync(string path, CancellationToken ct = default);
    Task<FileEntry> RenameAsync(string from, string to, CancellationToken ct = default);
    Task RemoveAsync(string path, CancellationToken ct = default);
}
