using Npgsql;

namespace Vibe.Grains.Documents.Log;

/// <summary>The cluster document store: the update log in PostgreSQL, shared by every silo.</summary>
public sealed class PostgresDocumentLog : IDocumentLog, IAsyncDisposable
{
    readonly NpgsqlDataSource _db;
    readonly GroupCommit<(string DocumentId, byte[] Update)> _appends;

    public PostgresDocumentLog(NpgsqlDataSource db)
    {
        _db = db;
        _appends = new GroupCommit<(string, byte[])>(CommitAsync);
    }

    public int MaxBatchSize => _appends.MaxBatchSize;

    public async Task<StoredDocument> LoadAsync(string documentId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        byte[]? snapshot = null;
        long through = 0;
        await using (var cmd = new NpgsqlCommand("SELECT through_id, data FROM vibe_doc_snapshots WHERE document_id = $1", connection))
        {
            cmd.Parameters.AddWithValue(documentId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                through = reader.GetInt64(0);
                snapshot = (byte[])reader.GetValue(1);
            }
        }
        var updates = new List<DocumentLogEntry>();
        await using (var cmd = new NpgsqlCommand("SELECT id, data FROM vibe_doc_updates WHERE document_id = $1 AND id > $2 ORDER BY id", connection))
        {
            cmd.Parameters.AddWithValue(documentId);
            cmd.Parameters.AddWithValue(through);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                updates.Add(new DocumentLogEntry(reader.GetInt64(0), (byte[])reader.GetValue(1)));
        }
        return new StoredDocument(snapshot, through, updates);
    }

    public Task<long> AppendAsync(string documentId, byte[] update, CancellationToken ct = default) =>
        _appends.EnqueueAsync((documentId, update), ct);

    async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<(string DocumentId, byte[] Update)> batch, CancellationToken ct)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO vibe_doc_updates (document_id, data)
            SELECT d, u FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS t(d, u, n) ORDER BY n
            RETURNING id
            """, connection, tx);
        cmd.Parameters.AddWithValue(batch.Select(b => b.DocumentId).ToArray());
        cmd.Parameters.AddWithValue(batch.Select(b => b.Update).ToArray());
        var ids = new List<long>(batch.Count);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                ids.Add(reader.GetInt64(0));
        }
        await tx.CommitAsync(ct);
        // Identity values of one INSERT ... SELECT ... ORDER BY are assigned in that order.
        ids.Sort();
        return ids;
    }

    public async Task CompactAsync(string documentId, long throughId, byte[] snapshot, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO vibe_doc_snapshots (document_id, through_id, data) VALUES ($1, $2, $3)
            ON CONFLICT (document_id) DO UPDATE SET through_id = excluded.through_id, data = excluded.data, updated = now()
            WHERE excluded.through_id >= vibe_doc_snapshots.through_id
            """, connection, tx))
        {
            upsert.Parameters.AddWithValue(documentId);
            upsert.Parameters.AddWithValue(throughId);
            upsert.Parameters.AddWithValue(snapshot);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await using (var prune = new NpgsqlCommand("DELETE FROM vibe_doc_updates WHERE document_id = $1 AND id <= $2", connection, tx))
        {
            prune.Parameters.AddWithValue(documentId);
            prune.Parameters.AddWithValue(throughId);
            await prune.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task DeleteAsync(string documentId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var table in new[] { "vibe_doc_updates", "vibe_doc_snapshots" })
        {
            await using var cmd = new NpgsqlCommand($"DELETE FROM {table} WHERE document_id = $1", connection, tx);
            cmd.Parameters.AddWithValue(documentId);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => _appends.DisposeAsync();
}
