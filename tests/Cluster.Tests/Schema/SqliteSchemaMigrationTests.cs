using Microsoft.Data.Sqlite;
using Vibe.Grains.Hosting;

namespace Vibe.Cluster.Tests.Schema;

public sealed class SqliteSchemaMigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vibe-sqlite-").FullName;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "vibe.db") }.ConnectionString;

    [Fact]
    public async Task Migrating_a_sqlite_file_twice_is_a_no_op_and_registers_storage_queries()
    {
        var migrator = new SchemaMigrator();

        var first = await migrator.MigrateAsync(StorageProvider.Sqlite, ConnectionString, CancellationToken.None);
        var second = await migrator.MigrateAsync(StorageProvider.Sqlite, ConnectionString, CancellationToken.None);

        Assert.Equal(["001-orleans-storage", "002-vibe", "003-documents"], first);
        Assert.Empty(second);
        Assert.Equal(["001-orleans-storage", "002-vibe", "003-documents"], await ReadStringsAsync("SELECT id FROM vibe_schema_migrations ORDER BY id"));
        Assert.Equal(
            OrleansQueryKeys.Storage.Order(StringComparer.Ordinal),
            await ReadStringsAsync("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey"));
        Assert.Equal(["wal"], await ReadStringsAsync("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Concurrent_migrations_of_one_sqlite_file_apply_each_script_once()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, ConnectionString, CancellationToken.None))));

        Assert.Single(runs, applied => applied.Count > 0);
        Assert.Equal(["001-orleans-storage", "002-vibe", "003-documents"], await ReadStringsAsync("SELECT id FROM vibe_schema_migrations ORDER BY id"));
    }

    [Fact]
    public async Task Empty_connection_string_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, " ", CancellationToken.None));
    }

    private async Task<string[]> ReadStringsAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return [.. values];
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
