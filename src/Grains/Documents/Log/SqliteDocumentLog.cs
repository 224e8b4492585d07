using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// The embedded document store: the update log in its own SQLite file (<c>documents.db</c> beside
/// <c>vibe.db</c>, WAL), held by one connection in exclusive locking mode. With
/// <see cref="SqliteDurability.Process"/> (the default) a commit is in the WAL before it is acknowledged and
/// survives the process being killed; <see cref="SqliteDurability.Disk"/> also waits for fsync, which
/// survives power loss too at the cost of a disk flush per commit.
/// </summary>
/// <remarks>
/// <para>Everything (appends, compactions, deletions, loads and checkpoints) goes through one writer loop on one
/// connection, which owns the file: in exclusive locking mode SQLite keeps the WAL's index in its own memory and
/// takes the file's lock once, so a commit is two writes to the WAL and no lock calls. Sharing <c>vibe.db</c>
/// with Orleans' grain storage, a commit made six <c>fcntl</c> lock calls besides its writes (10–20 µs each on
/// a virtual machine, bench/Collab.Bench), and waited for the file's one write lock whenever grain storage
/// wrote. A second process opening the same data directory is refused.</para>
/// <para>The writer never checkpoints on its own (<c>wal_autocheckpoint = 0</c>: copying and syncing inside a
/// commit stalled the keystrokes queued behind it); <see cref="WalCheckpointer"/> queues a checkpoint between
/// commits when typing pauses or after enough commits.</para>
/// </remarks>
public sealed class SqliteDocumentLog : IDocumentLog, IAsyncDisposable
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "documents.db";

    readonly string _path;
    readonly string? _importFrom;
    readonly SqliteDurability _durability;
    readonly GroupCommit<LogWrite> _writes;
    readonly WalCheckpointer _checkpointer;
    Writer? _writer;
    int _disposed;
    (long Log, long Copied, SqliteException? Error) _lastCheckpoint;

    /// <param name="path">The log's database file; created with its tables when missing.</param>
    /// <param name="importFrom">
    /// A <c>vibe.db</c> whose <c>vibe_doc_*</c> tables hold a log written before the log had its own file: its rows
    /// move here when the log opens (copied, then deleted there; a crash in between copies them again harmlessly).
    /// </param>
    /// <param name="checkpointEvery">How often the checkpointer looks at what was written.</param>
    /// <param name="checkpointAfterCommits">Commits after which a checkpoint runs even while typing goes on.</param>
    public SqliteDocumentLog(string path, SqliteDurability durability = SqliteDurability.Process, string? importFrom = null,
        TimeSpan? checkpointEvery = null, int checkpointAfterCommits = WalCheckpointer.DefaultAfterCommits)
    {
        _path = Path.GetFullPath(path);
        _importFrom = importFrom is null ? null : Path.GetFullPath(importFrom);
        _durability = durability;
        _writes = new GroupCommit<LogWrite>(CommitAsync);
        _checkpointer = new WalCheckpointer(CheckpointAsync, checkpointEvery ?? TimeSpan.FromSeconds(1), checkpointAfterCommits);
    }

    /// <summary>The largest batch committed so far (observability and tests).</summary>
    public int MaxBatchSize => _writes.MaxBatchSize;

    long _walFlushesAhead;

    /// <summary>How often the WAL was flushed to disk ahead of a checkpoint (observability and tests).</summary>
    public long WalFlushesAhead => Interlocked.Read(ref _walFlushesAhead);

    /// <summary>The checkpointer beside the writer (observability and tests).</summary>
    public WalCheckpointer Checkpointer => _checkpointer;

    public async Task<StoredDocument> LoadAsync(string documentId, CancellationToken ct = default)
    {
        var load = new LoadResult();
        await _writes.EnqueueAsync(new LogWrite(LogWriteKind.Load, documentId, null, 0, load), ct).ConfigureAwait(false);
        return load.Document!;
    }

    public Task<long> AppendAsync(string documentId, byte[] update, CancellationToken ct = default) =>
        _writes.EnqueueAsync(new LogWrite(LogWriteKind.Append, documentId, update, 0), ct);

    public Task CompactAsync(string documentId, long throughId, byte[] snapshot, CancellationToken ct = default) =>
        _writes.EnqueueAsync(new LogWrite(LogWriteKind.Compact, documentId, snapshot, throughId), ct);

    public Task DeleteAsync(string documentId, CancellationToken ct = default) =>
        _writes.EnqueueAsync(new LogWrite(LogWriteKind.Delete, documentId, null, 0), ct);

    /// <summary>
    /// A checkpoint queued like a write, so the writer runs it between two commits. SQLite syncs the WAL before it
    /// copies it; most of that flush is done here first, on the checkpointer's thread while commits go on, so the
    /// writer's stall is the copy and the database file's sync (bench/Collab.Bench: 12 ms a checkpoint → 3 ms).
    /// </summary>
    async Task<(long Log, long Copied)> CheckpointAsync()
    {
        FlushWalAhead();
        await _writes.EnqueueAsync(new LogWrite(LogWriteKind.Checkpoint, "", null, 0)).ConfigureAwait(false);
        return _lastCheckpoint.Error is { } error ? throw error : (_lastCheckpoint.Log, _lastCheckpoint.Copied);
    }

    /// <summary>
    /// Writes the WAL's dirty pages to disk through a handle of its own (fsync). Only a head start: the checkpoint
    /// still syncs the WAL itself, which then has little left to write. With <see cref="SqliteDurability.Disk"/>
    /// every commit was synced already.
    /// </summary>
    void FlushWalAhead()
    {
        if (_durability == SqliteDurability.Disk)
            return;
        try
        {
            // SQLite locks only the database file (fcntl), so a handle on the WAL takes nothing from it; opened
            // each time, since a reopened writer starts a new WAL file.
            using var wal = File.OpenHandle(_path + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(wal);
            Interlocked.Increment(ref _walFlushesAhead);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No WAL yet: the checkpoint has nothing to copy, or syncs what there is itself.
        }
    }

    /// <summary>
    /// One transaction per batch, in the order the writes were queued, through statements prepared once on the
    /// writer's connection (see <see cref="Writer"/>).
    /// </summary>
    async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<LogWrite> batch, CancellationToken ct)
    {
        _writer ??= await Writer.OpenAsync(_path, _durability, _importFrom, ct);
        var writer = _writer;
        var ids = new long[batch.Count];
        var checkpoint = false;
        var writes = 0;
        writer.Begin();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                switch (batch[i].Kind)
                {
                    case LogWriteKind.Checkpoint:
                        checkpoint = true;
                        break;
                    case LogWriteKind.Load:
                        batch[i].Load!.Document = writer.Load(batch[i].DocumentId);
                        break;
                    default:
                        ids[i] = writer.Execute(batch[i]);
                        writes++;
                        break;
                }
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
        if (writes > 0)
            _checkpointer.Written();
        // A checkpoint cannot run inside a transaction: it follows the batch's commit. Its failure is the
        // checkpointer's to hear (and retry); the batch's writes are committed.
        if (checkpoint)
        {
            try
            {
                var (log, copied) = await WalCheckpointer.RunAsync(writer.Connection, "PASSIVE");
                _lastCheckpoint = (log, copied, null);
            }
            catch (SqliteException e)
            {
                _lastCheckpoint = (0, 0, e);
            }
        }
        return ids;
    }

    /// <summary>Waits for what is queued, then lets go of the file; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // The checkpointer first: it may queue a checkpoint on the writer.
        await _checkpointer.DisposeAsync();
        await _writes.DisposeAsync();
        if (_writer is not null)
            await _writer.DisposeAsync();
    }

    enum LogWriteKind { Append, Compact, Delete, Load, Checkpoint }

    /// <summary>Where a load queued on the writer leaves what it read.</summary>
    sealed class LoadResult
    {
        public StoredDocument? Document;
    }

    readonly record struct LogWrite(LogWriteKind Kind, string DocumentId, byte[]? Data, long ThroughId, LoadResult? Load = null);

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
        readonly sqlite3_stmt _begin, _commit, _rollback, _insert, _snapshot, _prune, _deleteUpdates, _deleteSnapshot, _loadSnapshot, _loadUpdates;

        /// <summary>
        /// Opens the file for this process alone (exclusive locking mode, set before WAL so SQLite never maps a
        /// shared index), creates the tables, and moves over a log an older Vibe kept in <c>vibe.db</c>.
        /// </summary>
        public static async Task<Writer> OpenAsync(string path, SqliteDurability durability, string? importFrom, CancellationToken ct)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // DefaultTimeout bounds Microsoft.Data.Sqlite's own retries of a busy statement (30 s by default) to
            // SQLite's busy_timeout below, so a refusal takes seconds, not half a minute.
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 2 }.ToString());
            try
            {
                await connection.OpenAsync(ct);
                var synchronous = durability == SqliteDurability.Disk ? "FULL" : "NORMAL";
                // A process that has just been stopped may still be letting go of the file: wait a little for it.
                // The empty write transaction takes the file's exclusive lock now (a read alone would take a
                // shared one), so a second node on the same data directory is refused from the start.
                await ExecuteAsync(connection, $"""
                    PRAGMA busy_timeout = 2000;
                    PRAGMA main.locking_mode = EXCLUSIVE;
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = {synchronous};
                    PRAGMA wal_autocheckpoint = 0;
                    PRAGMA journal_size_limit = 8388608;
                    CREATE TABLE IF NOT EXISTS vibe_doc_updates
                    (
                        document_id TEXT    NOT NULL,
                        id          INTEGER NOT NULL,
                        data        BLOB    NOT NULL,
                        PRIMARY KEY (document_id, id)
                    ) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS vibe_doc_snapshots
                    (
                        document_id TEXT    NOT NULL PRIMARY KEY,
                        through_id  INTEGER NOT NULL,
                        data        BLOB    NOT NULL,
                        updated     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                    );
                    BEGIN IMMEDIATE;
                    COMMIT;
                    """, ct);
                if (importFrom is not null && File.Exists(importFrom))
                    await ImportAsync(connection, importFrom, ct);
                return new Writer(connection);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
            {
                await connection.DisposeAsync();
                throw new InvalidOperationException(
                    $"The document log {path} is held by another process: one Vibe node per data directory (Vibe:DataDir).", e);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// Copies the <c>vibe_doc_*</c> rows of <paramref name="legacyPath"/> into this file and commits, then deletes
        /// them there: a crash between the two leaves them in both, and the next open copies them again over
        /// themselves (same document and id; a snapshot never goes back).
        /// </summary>
        static async Task ImportAsync(SqliteConnection connection, string legacyPath, CancellationToken ct)
        {
            await using (var attach = connection.CreateCommand())
            {
                attach.CommandText = "ATTACH DATABASE $path AS legacy";
                attach.Parameters.AddWithValue("$path", legacyPath);
                await attach.ExecuteNonQueryAsync(ct);
            }
            try
            {
                await using var probe = connection.CreateCommand();
                probe.CommandText = """
                    SELECT (SELECT count(*) FROM legacy.sqlite_master WHERE type = 'table' AND name = 'vibe_doc_updates')
                         + (SELECT count(*) FROM legacy.sqlite_master WHERE type = 'table' AND name = 'vibe_doc_snapshots')
                    """;
                if ((long)(await probe.ExecuteScalarAsync(ct))! < 2)
                    return;
                probe.CommandText = "SELECT EXISTS (SELECT 1 FROM legacy.vibe_doc_updates) OR EXISTS (SELECT 1 FROM legacy.vibe_doc_snapshots)";
                if ((long)(await probe.ExecuteScalarAsync(ct))! == 0)
                    return;
                await ExecuteAsync(connection, """
                    BEGIN IMMEDIATE;
                    INSERT OR IGNORE INTO main.vibe_doc_updates (document_id, id, data)
                        SELECT document_id, id, data FROM legacy.vibe_doc_updates;
                    INSERT INTO main.vibe_doc_snapshots (document_id, through_id, data, updated)
                        SELECT document_id, through_id, data, updated FROM legacy.vibe_doc_snapshots WHERE true
                        ON CONFLICT (document_id) DO UPDATE SET through_id = excluded.through_id, data = excluded.data, updated = excluded.updated
                        WHERE excluded.through_id > main.vibe_doc_snapshots.through_id;
                    COMMIT;
                    BEGIN IMMEDIATE;
                    DELETE FROM legacy.vibe_doc_updates;
                    DELETE FROM legacy.vibe_doc_snapshots;
                    COMMIT;
                    """, ct);
            }
            finally
            {
                if (raw.sqlite3_get_autocommit(connection.Handle!) == 0)
                    await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None);
                await ExecuteAsync(connection, "DETACH DATABASE legacy", CancellationToken.None);
            }
        }

        static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync(ct);
        }

        Writer(SqliteConnection connection)
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
            _loadSnapshot = Prepare("SELECT through_id, data FROM vibe_doc_snapshots WHERE document_id = ?1");
            _loadUpdates = Prepare("SELECT id, data FROM vibe_doc_updates WHERE document_id = ?1 AND id > ?2 ORDER BY id");
        }

        /// <summary>The document's snapshot and the updates after it, read inside the open transaction.</summary>
        public StoredDocument Load(string documentId)
        {
            byte[]? snapshot = null;
            long through = 0;
            try
            {
                raw.sqlite3_bind_text(_loadSnapshot, 1, documentId);
                var rc = raw.sqlite3_step(_loadSnapshot);
                if (rc == raw.SQLITE_ROW)
                {
                    through = raw.sqlite3_column_int64(_loadSnapshot, 0);
                    snapshot = raw.sqlite3_column_blob(_loadSnapshot, 1).ToArray();
                }
                else if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, _db);
                }
            }
            finally
            {
                raw.sqlite3_reset(_loadSnapshot);
            }
            var updates = new List<DocumentLogEntry>();
            try
            {
                raw.sqlite3_bind_text(_loadUpdates, 1, documentId);
                raw.sqlite3_bind_int64(_loadUpdates, 2, through);
                int rc;
                while ((rc = raw.sqlite3_step(_loadUpdates)) == raw.SQLITE_ROW)
                    updates.Add(new DocumentLogEntry(raw.sqlite3_column_int64(_loadUpdates, 0), raw.sqlite3_column_blob(_loadUpdates, 1).ToArray()));
                if (rc != raw.SQLITE_DONE)
                    SqliteException.ThrowExceptionForRC(rc, _db);
            }
            finally
            {
                raw.sqlite3_reset(_loadUpdates);
            }
            return new StoredDocument(snapshot, through, updates);
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
            foreach (var statement in new[] { _begin, _commit, _rollback, _insert, _snapshot, _prune, _deleteUpdates, _deleteSnapshot, _loadSnapshot, _loadUpdates })
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
