using Microsoft.Data.Sqlite;
using SQLitePCL;

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
    /// One transaction per batch, in the order the writes were queued, through statements prepared once on the
    /// writer's connection (see <see cref="Writer"/>).
    /// </summary>
    async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<LogWrite> batch, CancellationToken ct)
    {
        _writer ??= new Writer(await OpenAsync(ct));
        var writer = _writer;
        var ids = new long[batch.Count];
        var truncate = false;
        writer.Begin();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].Kind == LogWriteKind.TruncateWal)
                    truncate = true;
                else
                    ids[i] = writer.Execute(batch[i]);
            }
            writer.Commit();
        }
        catch
        {
            if (!writer.TryRollback())
            {
                // A connection that cannot roll back cannot begin the next batch either: start over on a new one.
                _writer = null;
                await writer.DisposeAsync();
            }
            throw;
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

    /// <summary>
    /// The writer loop's connection and its statements, prepared once and stepped through SQLite's own API
    /// (SQLitePCLRaw, which Microsoft.Data.Sqlite is built on): a commit is three statement steps and allocates
    /// nothing, where ADO.NET's transaction, command and reader objects were a third of its time and left a
    /// finalizable object per statement for the GC.
    /// </summary>
    /// <remarks>
    /// An update's id is one above the largest its document has used, in the log or absorbed by its snapshot,
    /// computed inside the write transaction: ids grow per document in commit order whatever else writes the
    /// file, and with the log clustered by document (Schema/sqlite/004) an append writes one b-tree page.
    /// </remarks>
    sealed class Writer : IAsyncDisposable
    {
        readonly SqliteConnection _connection;
        readonly sqlite3 _db;
        readonly sqlite3_stmt _begin, _commit, _rollback, _insert, _snapshot, _prune, _deleteUpdates, _deleteSnapshot;

        public Writer(SqliteConnection connection)
        {
            _connection = connection;
            _db = connection.Handle!;
            _begin = Prepare("BEGIN IMMEDIATE");
            _commit = Prepare("COMMIT");
            _rollback = Prepare("ROLLBACK");
            _insert = Prepare("""
                INSERT INTO vibe_doc_updates (document_id, id, data)
                VALUES (?1, 1 + max(coalesce((SELECT max(id) FROM vibe_doc_updates WHERE document_id = ?1), 0),
                                    coalesce((SELECT through_id FROM vibe_doc_snapshots WHERE document_id = ?1), 0)), ?2)
                RETURNING id
                """);
            _snapshot = Prepare("""
                INSERT INTO vibe_doc_snapshots (document_id, through_id, data) VALUES (?1, ?2, ?3)
                ON CONFLICT (document_id) DO UPDATE SET through_id = excluded.through_id, data = excluded.data,
                    updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                WHERE excluded.through_id >= vibe_doc_snapshots.through_id
                """);
            _prune = Prepare("DELETE FROM vibe_doc_updates WHERE document_id = ?1 AND id <= ?2");
            _deleteUpdates = Prepare("DELETE FROM vibe_doc_updates WHERE document_id = ?1");
            _deleteSnapshot = Prepare("DELETE FROM vibe_doc_snapshots WHERE document_id = ?1");
        }

        public SqliteConnection Connection => _connection;

        sqlite3_stmt Prepare(string sql)
        {
            var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
            if (rc != raw.SQLITE_OK)
                SqliteException.ThrowExceptionForRC(rc, _db);
            return statement;
        }

        public void Begin() => Run(_begin);

        public void Commit() => Run(_commit);

        /// <summary>After a failed statement (SQLite may have rolled the transaction back itself already).</summary>
        public bool TryRollback()
        {
            if (raw.sqlite3_get_autocommit(_db) != 0)
                return true;
            var rc = raw.sqlite3_step(_rollback);
            raw.sqlite3_reset(_rollback);
            return rc == raw.SQLITE_DONE;
        }

        /// <summary>Runs one write inside the open transaction; an append returns its id, the others 0.</summary>
        public long Execute(LogWrite write)
        {
            switch (write.Kind)
            {
                case LogWriteKind.Append:
                    raw.sqlite3_bind_text(_insert, 1, write.DocumentId);
                    raw.sqlite3_bind_blob(_insert, 2, write.Data);
                    return RunScalar(_insert);
                case LogWriteKind.Compact:
                    raw.sqlite3_bind_text(_snapshot, 1, write.DocumentId);
                    raw.sqlite3_bind_int64(_snapshot, 2, write.ThroughId);
                    raw.sqlite3_bind_blob(_snapshot, 3, write.Data);
                    Run(_snapshot);
                    raw.sqlite3_bind_text(_prune, 1, write.DocumentId);
                    raw.sqlite3_bind_int64(_prune, 2, write.ThroughId);
                    Run(_prune);
                    return 0;
                default:
                    raw.sqlite3_bind_text(_deleteUpdates, 1, write.DocumentId);
                    Run(_deleteUpdates);
                    raw.sqlite3_bind_text(_deleteSnapshot, 1, write.DocumentId);
                    Run(_deleteSnapshot);
                    return 0;
            }
        }

        void Run(sqlite3_stmt statement)
        {
            var rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
        }

        long RunScalar(sqlite3_stmt statement)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_ROW)
            {
                raw.sqlite3_reset(statement);
                SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_DONE ? raw.SQLITE_INTERNAL : rc, _db);
            }
            var value = raw.sqlite3_column_int64(statement, 0);
            // RETURNING finishes its statement on the next step.
            rc = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (rc != raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
            return value;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var statement in new[] { _begin, _commit, _rollback, _insert, _snapshot, _prune, _deleteUpdates, _deleteSnapshot })
                statement.Dispose();
            await _connection.DisposeAsync();
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
