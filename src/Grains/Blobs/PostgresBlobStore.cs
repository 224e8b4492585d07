using Npgsql;

namespace Vibe.Grains.Blobs;

/// <summary>Blobs in the <c>vibe_blobs</c> table, so every node of a cluster sees the same files.</summary>
public sealed class PostgresBlobStore(NpgsqlDataSource dataSource) : IBlobStore
{
    public async Task<string> PutAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var hash = BlobHash.Of(bytes.Span);
        await using var cmd = dataSource.CreateCommand(
            "INSERT INTO vibe_blobs (hash, size, content) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING");
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue((long)bytes.Length);
        cmd.Parameters.AddWithValue(bytes.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
        return hash;
    }

    public async Task<byte[]?> GetAsync(string hash, CancellationToken ct = default)
    {
        if (!BlobHash.IsValid(hash))
            return null;
        await using var cmd = dataSource.CreateCommand("SELECT content FROM vibe_blobs WHERE hash = $1");
        cmd.Parameters.AddWithValue(hash);
        return await cmd.ExecuteScalarAsync(ct) as byte[];
    }

    public async Task<bool> ReadyAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1 FROM vibe_blobs LIMIT 1");
        await cmd.ExecuteScalarAsync(ct);
        return true;
    }
}
