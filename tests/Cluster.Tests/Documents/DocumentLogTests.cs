using Microsoft.Data.Sqlite;
using Vibe.Cluster.Tests.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Vibe.Grains.Blobs;
using Vibe.Grains.Documents.Log;
using Vibe.Grains.Hosting;

namespace Vibe.Cluster.Tests.Documents;

/// <summary>The same contract for both document stores, each on its real database.</summary>
public abstract class DocumentLogContract
{
    protected abstract Task<IDocumentLog> OpenAsync();

    static byte[] Update(int n) => BitConverter.GetBytes(n);

    [Fact]
    public async Task Appended_updates_load_in_commit_order()
    {
        var log = await OpenAsync();
        var doc = $"p/{Guid.NewGuid():N}.ts";
        for (var i = 0; i < 20; i++)
            await log.AppendAsync(doc, Update(i));
        var stored = await log.LoadAsync(doc);
        Assert.Null(stored.Snapshot);
        Assert.Equal(Enumerable.Range(0, 20), stored.Updates.Select(u => BitConverter.ToInt32(u.Update)));
        Assert.Equal(stored.Updates.Select(u => u.Id).Order(), stored.Updates.Select(u => u.Id));
    }

    [Fact]
    public async Task Concurrent_appends_share_transactions_and_all_land()
    {
        var log = await OpenAsync();
        var docs = Enumerable.Range(0, 10).Select(i => $"p/{Guid.NewGuid():N}-{i}.ts").ToArray();
        // 50 writers at once: far more appends are queued than one commit takes, so batches form. They need
        // threads to run on at once; a busy test host's pool can be down to one free worker.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
        var writers = Enumerable.Range(0, 50).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
                await log.AppendAsync(docs[w % docs.Length], Update(w * 1000 + i));
        }));
        await Task.WhenAll(writers);

        var total = 0;
        foreach (var doc in docs)
        {
            var updates = (await log.LoadAsync(doc)).Updates.Select(u => BitConverter.ToInt32(u.Update)).ToList();
            total += updates.Count;
            // Each writer's own updates stay in the order it acknowledged them.
            foreach (var writer in updates.GroupBy(u => u / 1000))
                Assert.Equal(writer.Order(), writer);
        }
        Assert.Equal(50 * 20, total);
        Assert.True(MaxBatch(log) > 1, $"concurrent appends never shared a transaction ({MaxBatch(log)})");
    }

    [Fact]
    public async Task Compaction_keeps_later_updates_and_drops_absorbed_ones()
    {
        var log = await OpenAsync();
        var doc = $"p/{Guid.NewGuid():N}.ts";
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add(await log.AppendAsync(doc, Update(i)));
        await log.CompactAsync(doc, ids[2], [1, 2, 3]);
        var stored = await log.LoadAsync(doc);
        Assert.Equal([1, 2, 3], stored.Snapshot);
        Assert.Equal(ids[2], stored.SnapshotThroughId);
        Assert.Equal([3, 4], stored.Updates.Select(u => BitConverter.ToInt32(u.Update)));

        // An older snapshot arriving late never replaces a newer one.
        await log.CompactAsync(doc, ids[1], [9]);
        Assert.Equal([1, 2, 3], (await log.LoadAsync(doc)).Snapshot);
    }

    [Fact]
    public async Task Deleted_document_loads_empty()
    {
        var log = await OpenAsync();
        var doc = $"p/{Guid.NewGuid():N}.ts";
        var id = await log.AppendAsync(doc, Update(1));
        await log.CompactAsync(doc, id, [7]);
        await log.AppendAsync(doc, Update(2));
        await log.DeleteAsync(doc);
        var stored = await log.LoadAsync(doc);
        Assert.Null(stored.Snapshot);
        Assert.Empty(stored.Updates);
    }

    [Fact]
    public async Task An_empty_update_is_stored_as_empty_not_lost()
    {
        var log = await OpenAsync();
        var doc = $"p/{Guid.NewGuid():N}.ts";
        await log.AppendAsync(doc, []);
        await log.CompactAsync(doc, await log.AppendAsync(doc, Update(1)), []);
        await log.AppendAsync(doc, []);
        var stored = await log.LoadAsync(doc);
        Assert.NotNull(stored.Snapshot);
        Assert.Empty(stored.Snapshot);
        Assert.Empty(Assert.Single(stored.Updates).Update);
    }

    [Fact]
    public async Task An_update_after_a_compaction_that_absorbed_the_whole_log_still_loads()
    {
        var log = await OpenAsync();
        var doc = $"p/{Guid.NewGuid():N}.ts";
        long last = 0;
        for (var i = 0; i < 3; i++)
            last = await log.AppendAsync(doc, Update(i));
        await log.CompactAsync(doc, last, [9]);
        // The log of this document is empty now; the next id must still be above the snapshot's.
        var next = await log.AppendAsync(doc, Update(3));
        Assert.True(next > last, $"id {next} after a snapshot through {last}");
        var stored = await log.LoadAsync(doc);
        Assert.Equal([9], stored.Snapshot);
        Assert.Equal([3], stored.Updates.Select(u => BitConverter.ToInt32(u.Update)));
    }

    static int MaxBatch(IDocumentLog log) => log switch
    {
        SqliteDocumentLog s => s.MaxBatchSize,
        PostgresDocumentLog p => p.MaxBatchSize,
        _ => 0,
    };
}

public sealed class SqliteDocumentLogTests : DocumentLogContract, IAsyncLifetime
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "vibe-doclog-" + Guid.NewGuid().ToString("N")[..8]);
    readonly List<SqliteDocumentLog> _logs = [];

    string LogPath => Path.Combine(_dir, SqliteDocumentLog.FileName);

    protected override Task<IDocumentLog> OpenAsync() => Task.FromResult<IDocumentLog>(Open());

    SqliteDocumentLog Open(string? importFrom = null, TimeSpan? checkpointEvery = null, int afterCommits = WalCheckpointer.DefaultAfterCommits)
    {
        var log = new SqliteDocumentLog(LogPath, importFrom: importFrom, checkpointEvery: checkpointEvery, checkpointAfterCommits: afterCommits);
        _logs.Add(log);
        return log;
    }

    [Fact]
    public async Task Acknowledged_update_is_in_the_file_for_the_next_store()
    {
        var first = Open();
        await first.AppendAsync("p/a.ts", [42]);
        await first.DisposeAsync();
        var second = Open();
        Assert.Equal([42], Assert.Single((await second.LoadAsync("p/a.ts")).Updates).Update);
    }

    [Fact]
    public async Task A_compaction_deletes_the_rows_its_snapshot_absorbed_from_the_file()
    {
        var log = Open();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
            ids.Add(await log.AppendAsync("p/a.ts", [(byte)i]));
        await log.CompactAsync("p/a.ts", ids[2], [42]);
        await log.DisposeAsync();

        // Loads skip absorbed updates either way; the file itself must not keep them.
        await using var db = new SqliteConnection($"Data Source={LogPath};Pooling=False;Mode=ReadOnly");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT id FROM vibe_doc_updates WHERE document_id = 'p/a.ts' ORDER BY id";
        var left = new List<long>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                left.Add(reader.GetInt64(0));
        }
        Assert.Equal(ids[3..], left);
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_is_refused_and_the_first_goes_on()
    {
        var earlier = Open();
        await earlier.AppendAsync("p/a.ts", [1]);
        await earlier.DisposeAsync();
        // The first store has only read the file so far: it holds it all the same.
        var first = Open();
        Assert.Single((await first.LoadAsync("p/a.ts")).Updates);
        var second = Open();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.LoadAsync("p/a.ts"));
        Assert.Contains("held by another process", refused.Message);
        Assert.Equal(2, await first.AppendAsync("p/a.ts", [3]));
        Assert.Equal([1, 3], (await first.LoadAsync("p/a.ts")).Updates.Select(u => (int)u.Update[0]));
    }

    [Fact]
    public async Task A_node_whose_document_log_is_held_by_another_is_not_ready_and_says_why()
    {
        var options = new VibeOptions { DataDir = _dir };
        await new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, options.SqliteConnectionString);
        var holder = Open();
        await holder.AppendAsync("p/a.ts", [1]);
        await using var mine = new SqliteDocumentLog(options.DocumentsPath);
        await using var services = new ServiceCollection().AddSingleton<IDocumentLog>(mine).BuildServiceProvider();
        var probe = new StorageProbe(options, new FileBlobStore(Path.Combine(_dir, "blobs")), services);

        var (ready, detail) = await probe.CheckAsync(CancellationToken.None);
        Assert.False(ready);
        Assert.Contains("held by another process", detail);

        // Once the other node lets go, this one opens the log and is ready.
        await holder.DisposeAsync();
        Assert.Equal((true, "sqlite"), await probe.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_log_an_older_Vibe_kept_in_vibe_db_moves_to_its_own_file_and_its_ids_carry_on()
    {
        // A vibe.db as Vibe left it before 004 (one rowid table, global AUTOINCREMENT ids), migrated to today's schema.
        var legacy = Path.Combine(_dir, "vibe.db");
        var connection = $"Data Source={legacy};Pooling=False";
        await using (var db = new SqliteConnection(connection))
        {
            await db.OpenAsync();
            await Execute(db, "CREATE TABLE vibe_schema_migrations (id TEXT NOT NULL PRIMARY KEY, applied_at TEXT)");
            foreach (var script in SchemaScript.For(StorageProvider.Sqlite).Where(s => string.CompareOrdinal(s.Id, "004") < 0))
            {
                await Execute(db, script.Sql);
                await Execute(db, $"INSERT INTO vibe_schema_migrations (id) VALUES ('{script.Id}')");
            }
            await Execute(db, """
                INSERT INTO vibe_doc_updates (document_id, data) VALUES ('p/a.ts', x'01'), ('p/b.ts', x'02'), ('p/a.ts', x'03');
                INSERT INTO vibe_doc_snapshots (document_id, through_id, data) VALUES ('p/c.ts', 7, x'07');
                """);
        }
        Assert.Contains("004-doc-updates-by-document", await new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, connection));

        var log = Open(importFrom: legacy);
        var a = await log.LoadAsync("p/a.ts");
        Assert.Equal([1L, 3L], a.Updates.Select(u => u.Id));
        Assert.Equal([1, 3], a.Updates.Select(u => (int)u.Update[0]));
        Assert.Equal(4, await log.AppendAsync("p/a.ts", [4]));
        Assert.Equal(8, await log.AppendAsync("p/c.ts", [8]));
        var c = await log.LoadAsync("p/c.ts");
        Assert.Equal([7], c.Snapshot);
        Assert.Equal([8], Assert.Single(c.Updates).Update);
        Assert.Equal([2], Assert.Single((await log.LoadAsync("p/b.ts")).Updates).Update);

        // Moved, not copied: vibe.db keeps the (empty) tables, and opening again imports nothing twice.
        await using (var db = new SqliteConnection(connection))
        {
            await db.OpenAsync();
            await using var count = db.CreateCommand();
            count.CommandText = "SELECT (SELECT count(*) FROM vibe_doc_updates) + (SELECT count(*) FROM vibe_doc_snapshots)";
            Assert.Equal(0L, await count.ExecuteScalarAsync());
        }
        await log.DisposeAsync();
        var reopened = Open(importFrom: legacy);
        Assert.Equal([1L, 3L, 4L], (await reopened.LoadAsync("p/a.ts")).Updates.Select(u => u.Id));

        static async Task Execute(SqliteConnection db, string sql)
        {
            await using var cmd = db.CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_move_cut_short_after_the_copy_is_done_again_without_duplicates()
    {
        // The crash window of the move: the rows are in documents.db already and still in vibe.db.
        var legacy = Path.Combine(_dir, "vibe.db");
        var connection = $"Data Source={legacy};Pooling=False";
        await new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, connection);
        var first = Open();
        Assert.Equal(1, await first.AppendAsync("p/a.ts", [1]));
        await first.CompactAsync("p/a.ts", 1, [9]);
        Assert.Equal(2, await first.AppendAsync("p/a.ts", [2]));
        await first.DisposeAsync();
        await using (var db = new SqliteConnection(connection))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = """
                INSERT INTO vibe_doc_updates (document_id, id, data) VALUES ('p/a.ts', 2, x'02');
                INSERT INTO vibe_doc_snapshots (document_id, through_id, data) VALUES ('p/a.ts', 0, x'00');
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        var log = Open(importFrom: legacy);
        var a = await log.LoadAsync("p/a.ts");
        Assert.Equal([9], a.Snapshot);
        Assert.Equal([2L], a.Updates.Select(u => u.Id));
    }

    [Fact]
    public async Task The_checkpointer_keeps_the_WAL_small_while_every_append_commits_alone()
    {
        var log = Open(checkpointEvery: TimeSpan.FromMilliseconds(20), afterCommits: 256);
        // 3000 back-to-back commits of a page or more each: the writer never checkpoints by itself, so the WAL
        // passes 30 MiB; the checkpointer copies it into the file (every 256 commits, or once writing pauses),
        // and the next commit starts the WAL over and cuts the file back to journal_size_limit (8 MiB).
        var payload = new byte[600];
        for (var i = 0; i < 3000; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            await log.AppendAsync($"p/doc-{i % 7}.ts", payload);
        }
        for (var waited = 0; waited < 5000 && log.Checkpointer.Last is var (walFrames, copied) && (walFrames == 0 || copied < walFrames); waited += 20)
            await Task.Delay(20);
        Assert.True(log.Checkpointer.Checkpoints > 0, "the checkpointer never ran");
        // Each checkpoint had the WAL flushed to disk beside the writer first, so its own sync had little to do.
        Assert.True(log.WalFlushesAhead >= log.Checkpointer.Checkpoints, $"{log.WalFlushesAhead} flushes ahead of {log.Checkpointer.Checkpoints} checkpoints");
        Assert.Null(log.Checkpointer.LastError);
        Assert.Equal(log.Checkpointer.Last.Log, log.Checkpointer.Last.Copied);
        // SQLite starts the WAL over at the first commit that finds it wholly copied; on a busy machine a checkpoint
        // can still be under way at that commit, so the cut may come one checkpoint later (never more than a few).
        var wal = new FileInfo(LogPath + "-wal");
        var appended = 0;
        do
        {
            await log.AppendAsync("p/doc-0.ts", payload);
            appended++;
            wal.Refresh();
            if (wal.Length > 8 * 1024 * 1024)
                await Task.Delay(50);
        }
        while (wal.Length > 8 * 1024 * 1024 && appended < 20);
        Assert.True(wal.Length <= 8 * 1024 * 1024, $"the WAL is {wal.Length} bytes after {appended} appends (checkpoints {log.Checkpointer.Checkpoints}, last {log.Checkpointer.Last})");
        var total = 0;
        for (var d = 0; d < 7; d++)
            total += (await log.LoadAsync($"p/doc-{d}.ts")).Updates.Count;
        Assert.Equal(3000 + appended, total);
    }

    [Fact]
    public async Task Compactions_and_deletions_queue_behind_appends_and_lose_nothing_appended_after_them()
    {
        var log = await OpenAsync();
        var doc = $"p/{Guid.NewGuid():N}.ts";
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
            ids.Add(await log.AppendAsync(doc, [(byte)i]));
        // Appends racing a compaction: those queued after it keep their ids above the snapshot's and stay.
        var racing = Enumerable.Range(10, 20).Select(i => log.AppendAsync(doc, [(byte)i])).ToList();
        var compaction = log.CompactAsync(doc, ids[^1], [42]);
        var later = Enumerable.Range(30, 5).Select(i => log.AppendAsync(doc, [(byte)i])).ToList();
        await Task.WhenAll(racing.Concat(later).Append(compaction));
        var stored = await log.LoadAsync(doc);
        Assert.Equal([42], stored.Snapshot);
        Assert.Equal(Enumerable.Range(10, 25).Select(i => (byte)i), stored.Updates.Select(u => u.Update[0]));
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var log in _logs)
            await log.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDocumentLogTests(PostgresFixture postgres) : DocumentLogContract, IAsyncLifetime
{
    string? _connection;
    readonly List<PostgresDocumentLog> _logs = [];
    readonly List<Npgsql.NpgsqlDataSource> _sources = [];

    protected override Task<IDocumentLog> OpenAsync()
    {
        var source = Npgsql.NpgsqlDataSource.Create(_connection!);
        _sources.Add(source);
        var log = new PostgresDocumentLog(source);
        _logs.Add(log);
        return Task.FromResult<IDocumentLog>(log);
    }

    public async Task InitializeAsync()
    {
        _connection = await postgres.CreateDatabaseAsync("doclog_" + Guid.NewGuid().ToString("N")[..8]);
        await new SchemaMigrator().MigrateAsync(StorageProvider.Postgres, _connection);
    }

    public async Task DisposeAsync()
    {
        foreach (var log in _logs)
            await log.DisposeAsync();
        foreach (var source in _sources)
            await source.DisposeAsync();
    }
}
