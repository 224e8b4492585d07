namespace Vibe.Grains.Blobs;

/// <summary>
/// Content-addressed, immutable storage for binary files. A blob's name is the SHA-256 hex of its bytes,
/// so equal files share storage and a write can never change what an earlier reader saw.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores the bytes durably (returns only after they are on disk or committed) and gives their hash.</summary>
    Task<string> PutAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default);
    /// <summary>The bytes for <paramref name="hash"/>, or null when no such blob exists.</summary>
    Task<byte[]?> GetAsync(string hash, CancellationToken ct = default);
    Task<bool> ReadyAsync(CancellationToken ct = default);
}

public static class BlobHash
{
    public static string Of(ReadOnlySpan<byte> bytes) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>Hashes come from our own index, but a corrupted row must never become a path traversal.</summary>
    public static bool IsValid(string hash) =>
        hash.Length == 64 && hash.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
