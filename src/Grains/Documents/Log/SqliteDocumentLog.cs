using Microsoft.Data.Sqlite;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// The embedded document store: the update log in the node's SQLite file (WAL). With
/// <see cref="SqliteDurability.Process"/> (the default) a commit is in the WAL before it is acknowledged and
/// survives the process being killed; <see cref="SqliteDurability.Disk"/> also waits for fsync, which
/// survives power loss too at the cost of a disk flush per commit.
/// </summary>
public sealed class SqliteDocumentLog : IDocumentLog, IAsyncDisposable
{
    readonly string _connectionString;
    readonly GroupCommit<(string DocumentId, byte[] Update)> _appends;
    SqliteConnection? _writer;
    SqliteCommand? _insert;

    readonly SqliteDurability _durability;

    public SqliteDocumentLog(string connectionString, SqliteDurability durability = SqliteDurability.Process)
    {
        _connectionString = connectionString;
        _durability = durability;
        _appends = new GroupCommit<(string, byte[])>(CommitAsync);
    }

    public int MaxBatchSize => _appends.MaxBatchSize;

    public async Task<StoredDocument> LoadAsync(string documentId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        byte[]? snapshot = null;
        long through = 0;
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT through_id, data FROM vibe_doc_snapshots WHERE document_id = $d";
            cmd.Parameters.AddWithValue("$d", documentId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                through = reader.GetInt64(0);
                snapshot = (byte[])reader.GetValue(1);
            }
        }
        var updates = new List<DocumentLogEntry>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT id, data FROM vibe_doc_updates WHERE document_id = $d AND id > $t ORDER BY id";
            cmd.Parameters.AddWithValue("$d", documentId);
            cmd.Parameters.AddWithValue("$t", through);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                updates.Add(new DocumentLogEntry(reader.GetInt64(0), (byte[])reader.GetValue(1)));
        }
        return new StoredDocument(snapshot, through, updates);
    }

    public Task<long> AppendAsync(string documentId, byte[] update, CancellationToken ct = default) =>
        _appends.EnqueueAsync((documentId, update), ct);

    /// <summary>
    /// One transaction per batch on the writer loop's own connection, with the insert prepared once and reused:
    /// preparing it for every batch was a third of the commit's CPU under bench/Collab.Bench.
    /// </summary>
    async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<(string DocumentId, byte[] Update)> batch, CancellationToken ct)
    {
        if (_writer is null)
        {
            _writer = await OpenAsync(ct);
            _insert = _writer.CreateCommand();
            _insert.CommandText = "INSERT INTO vibe_doc_updates (document_id, data) VALUES ($d, $u) RETURNING id";
            _insert.Parameters.Add("$d", SqliteType.Text);
            _insert.Parameters.Add("$u", SqliteType.Blob);
        }
        var cmd = _insert!;
        await using var tx = _writer.BeginTransaction(deferred: false);
        cmd.Transaction = tx;
        var ids = new long[batch.Count];
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                cmd.Parameters[0].Value = batch[i].DocumentId;
                cmd.Parameters[1].Value = batch[i].Update;
                ids[i] = (long)(await cmd.ExecuteScalarAsync(ct))!;
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            cmd.Transaction = null;
        }
        return ids;
    }

    public async Task CompactAsync(string documentId, long throughId, byte[] snapshot, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = connection.BeginTransaction(deferred: false);
        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = tx;
            upsert.CommandText = """
                INSERT INTO vibe_doc_snapshots (document_id, through_id, data) VALUES ($d, $t, $s)
                ON CONFLICT (document_id) DO UPDATE SET through_id = excluded.through_id, data = excluded.data,
                    updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE excluded.through_id >= vibe_doc_snapshots.through_id
                """;
            upsert.Parameters.AddWithValue("$d", documentId);
            upsert.Parameters.AddWithValue("$t", throughId);
            upsert.Parameters.AddWithValue("$s", snapshot);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await using (var prune = connection.CreateCommand())
        {
            prune.Transaction = tx;
            prune.CommandText = "DELETE FROM vibe_doc_updates WHERE document_id = $d AND id <= $t";
            prune.Parameters.AddWithValue("$d", documentId);
            prune.Parameters.AddWithValue("$t", throughId);
            await prune.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task DeleteAsync(string documentId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = connection.BeginTransaction(deferred: false);
        foreach (var table in new[] { "vibe_doc_updates", "vibe_doc_snapshots" })
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"DELETE FROM {table} WHERE document_id = $d";
            cmd.Parameters.AddWithValue("$d", documentId);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        // busy_timeout rides out the other writers of the file (Orleans' grain storage).
        var synchronous = _durability == SqliteDurability.Disk ? "FULL" : "NORMAL";
        pragma.CommandText = $"PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 10000;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _appends.DisposeAsync();
        if (_insert is not null)
            await _insert.DisposeAsync();
        if (_writer is not null)
            await _writer.DisposeAsync();
    }
}

/// <summary>How far an acknowledged update of the embedded store is guaranteed to survive.</summary>
public enum SqliteDurability
{
    /// <summary>In SQLite's write-ahead log: survives the process crashing or being killed (synchronous=NORMAL in WAL).</summary>
    Process,
    /// <summary>Flushed to disk before acknowledging: survives power loss too (synchronous=FULL).</summary>
    Disk,
}
