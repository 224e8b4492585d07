namespace Vibe.Grains.Blobs;

/// <summary>Blobs as files under <c>{dataDir}/blobs/ab/abcdef…</c>; the embedded default.</summary>
public sealed class FileBlobStore(string root) : IBlobStore
{
    public async Task<string> PutAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var hash = BlobHash.Of(bytes.Span);
        var path = PathOf(hash);
        if (File.Exists(path))
            return hash;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write to a temporary name, flush to disk, then rename: a crash never leaves a torn blob under its hash.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
        {
            await file.WriteAsync(bytes, ct);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return hash;
    }

    public async Task<byte[]?> GetAsync(string hash, CancellationToken ct = default)
    {
        if (!BlobHash.IsValid(hash))
            return null;
        var path = PathOf(hash);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, ct) : null;
    }

    public Task<bool> ReadyAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(root);
        return Task.FromResult(true);
    }

    string PathOf(string hash) => Path.Combine(root, hash[..2], hash);
}
