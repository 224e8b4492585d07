using Microsoft.Data.Sqlite;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// The embedded document store: the update log in the node's SQLite file (WAL). With
/// <see cref="SqliteDurability.Process"/> (the default) a commit is in the WAL before it is acknowledged and
/// survives the process being killed; <see cref="SqliteDurability.Disk"/> also waits for fsync, which
/// survives power loss too at the cost of a disk flush per commit.
/// </summary>
/// <remarks>
/// Every write (appends, compactions, deletions) goes through one writer loop on one connection, so the
/// store's own writes never wait for each other's locks: SQLite has one writer per file, and a writer that
/// finds the lock taken sleeps in steps of milliseconds. The writer never checkpoints either
/// (<c>wal_autocheckpoint = 0</c>): copying the WAL into the database file and syncing it took about 10 ms every
/// 1000 pages, stalling every keystroke queued behind it. <see cref="WalCheckpointer"/> does that on its own
/// connection, beside the writer.
/// </remarks>
public sealed class SqliteDocumentLog : IDocumentLog, IAsyncDisposable
{
    readonly string _connectionString;
    readonly SqliteDurability _durability;
    readonly GroupCommit<LogWrite> _writes;
    readonly WalCheckpointer _checkpointer;
    Writer? _writer;
    (long Log, long Copied, SqliteException? Error) _lastTruncate;

    public SqliteDocumentLog(string connectionString, SqliteDurability durability = SqliteDurability.Process, TimeSpan? checkpointEvery = null,
        long truncateWalAbovePages = WalCheckpointer.DefaultTruncateAbovePages)
    {
        _connectionString = connectionString;
        _durability = durability;
        _writes = new GroupCommit<LogWrite>(CommitAsync);
        _checkpointer = new WalCheckpointer(() => OpenAsync(CancellationToken.None), TruncateWalAsync, checkpointEvery ?? TimeSpan.FromSeconds(1),
            truncateWalAbovePages);
    }

    /// <summary>The largest batch committed so far (observability and tests).</summary>
    public int MaxBatchSize => _writes.MaxBatchSize;

    /// <summary>The checkpointer beside the writer (observability and tests).</summary>
    public WalCheckpointer Checkpointer => _checkpointer;

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
        _writes.EnqueueAsync(new LogWrite(LogWriteKind.Append, documentId, update, 0), ct);

    public Task CompactAsync(string documentId, long throughId, byte[] snapshot, CancellationToken ct = default) =>
        _writes.EnqueueAsync(new LogWrite(LogWriteKind.Compact, documentId, snapshot, throughId), ct);

    public Task DeleteAsync(string documentId, CancellationToken ct = default) =>
        _writes.EnqueueAsync(new LogWrite(LogWriteKind.Delete, documentId, null, 0), ct);

    /// <summary>A truncating checkpoint queued like a write, so the writer runs it between two commits.</summary>
    async Task<(long Log, long Copied)> TruncateWalAsync()
    {
        await _writes.EnqueueAsync(new LogWrite(LogWriteKind.TruncateWal, "", null, 0)).ConfigureAwait(false);
        return _lastTruncate.Error is { } error ? throw error : (_lastTruncate.Log, _lastTruncate.Copied);
    }

    /// <summary>
    /// One transaction per batch, in the order the writes were queued, with every statement prepared once and
    /// reused (preparing the insert for each batch was a third of the commit's CPU under bench/Collab.Bench).
    /// </summary>
    async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<LogWrite> batch, CancellationToken ct)
    {
        _writer ??= Writer.Prepare(await OpenAsync(ct));
        var writer = _writer;
        await using var tx = writer.Connection.BeginTransaction(deferred: false);
        writer.Enlist(tx);
        var ids = new long[batch.Count];
        var truncate = false;
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Kind == LogWriteKind.TruncateWal)
                    truncate = true;
                else
                    ids[i] = await writer.ExecuteAsync(batch[i], ct);
            }
            await tx.CommitAsync(ct);
        }
        finally
        {
            writer.Enlist(null);
        }
        _checkpointer.Written();
        // A checkpoint cannot run inside a transaction: it follows the batch's commit. Its failure is the
        // checkpointer's to hear (and retry); the batch's writes are committed.
        if (truncate)
        {
            try
            {
                var (log, copied) = await WalCheckpointer.RunAsync(writer.Connection, "TRUNCATE");
                _lastTruncate = (log, copied, null);
            }
            catch (SqliteException e)
            {
                _lastTruncate = (0, 0, e);
            }
        }
        return ids;
    }

    async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        // busy_timeout rides out the other writers of the file (Orleans' grain storage); checkpoints are the
        // checkpointer's job, never a commit's.
        var synchronous = _durability == SqliteDurability.Disk ? "FULL" : "NORMAL";
        pragma.CommandText = $"PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 4194304;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        // The checkpointer first: it may queue a truncation on the writer.
        await _checkpointer.DisposeAsync();
        await _writes.DisposeAsync();
        if (_writer is not null)
            await _writer.DisposeAsync();
    }

    enum LogWriteKind { Append, Compact, Delete, TruncateWal }

    readonly record struct LogWrite(LogWriteKind Kind, string DocumentId, byte[]? Data, long ThroughId);

    /// <summary>The writer loop's connection and its prepared statements.</summary>
    sealed class Writer(SqliteConnection connection, SqliteCommand[] commands) : IAsyncDisposable
    {
        readonly SqliteCommand _insert = commands[0], _snapshot = commands[1], _prune = commands[2], _deleteUpdates = commands[3], _deleteSnapshot = commands[4];

        public SqliteConnection Connection => connection;

        public static Writer Prepare(SqliteConnection connection)
        {
            SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
            {
                var cmd = connection.CreateCommand();
                cmd.CommandText = sql;
                foreach (var (name, type) in parameters)
                    cmd.Parameters.Add(name, type);
                return cmd;
            }
            return new Writer(connection,
            [
                Prepare("INSERT INTO vibe_doc_updates (document_id, data) VALUES ($d, $u) RETURNING id", ("$d", SqliteType.Text), ("$u", SqliteType.Blob)),
                Prepare("""
                    INSERT INTO vibe_doc_snapshots (document_id, through_id, data) VALUES ($d, $t, $s)
                    ON CONFLICT (document_id) DO UPDATE SET through_id = excluded.through_id, data = excluded.data,
                        updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    WHERE excluded.through_id >= vibe_doc_snapshots.through_id
                    """, ("$d", SqliteType.Text), ("$t", SqliteType.Integer), ("$s", SqliteType.Blob)),
                Prepare("DELETE FROM vibe_doc_updates WHERE document_id = $d AND id <= $t", ("$d", SqliteType.Text), ("$t", SqliteType.Integer)),
                Prepare("DELETE FROM vibe_doc_updates WHERE document_id = $d", ("$d", SqliteType.Text)),
                Prepare("DELETE FROM vibe_doc_snapshots WHERE document_id = $d", ("$d", SqliteType.Text)),
            ]);
        }

        public void Enlist(SqliteTransaction? tx)
        {
            foreach (var cmd in commands)
                cmd.Transaction = tx;
        }

        /// <summary>Runs one write inside the open transaction; an append returns its id, the others 0.</summary>
        public async Task<long> ExecuteAsync(LogWrite write, CancellationToken ct)
        {
            switch (write.Kind)
            {
                case LogWriteKind.Append:
                    _insert.Parameters[0].Value = write.DocumentId;
                    _insert.Parameters[1].Value = write.Data;
                    return (long)(await _insert.ExecuteScalarAsync(ct))!;
                case LogWriteKind.Compact:
                    _snapshot.Parameters[0].Value = write.DocumentId;
                    _snapshot.Parameters[1].Value = write.ThroughId;
                    _snapshot.Parameters[2].Value = write.Data;
                    await _snapshot.ExecuteNonQueryAsync(ct);
                    _prune.Parameters[0].Value = write.DocumentId;
                    _prune.Parameters[1].Value = write.ThroughId;
                    await _prune.ExecuteNonQueryAsync(ct);
                    return 0;
                default:
                    _deleteUpdates.Parameters[0].Value = write.DocumentId;
                    await _deleteUpdates.ExecuteNonQueryAsync(ct);
                    _deleteSnapshot.Parameters[0].Value = write.DocumentId;
                    await _deleteSnapshot.ExecuteNonQueryAsync(ct);
                    return 0;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var cmd in commands)
                await cmd.DisposeAsync();
            await connection.DisposeAsync();
        }
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
