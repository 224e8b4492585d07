using Npgsql;
using Vibe.Cluster.Tests.Postgres;
using Vibe.Grains.Hosting;

namespace Vibe.Cluster.Tests.Schema;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaMigrationTests(PostgresFixture postgres)
{
    private static readonly string[] AllScripts =
        ["001-orleans-clustering", "002-orleans-storage", "003-orleans-reminders", "004-vibe", "005-vibe-settings", "006-documents"];

    [Fact]
    public async Task Migrating_twice_applies_every_script_once_and_registers_all_orleans_queries()
    {
        var connectionString = await postgres.CreateDatabaseAsync("migrate_twice");
        var migrator = new SchemaMigrator();

        var first = await migrator.MigrateAsync(StorageProvider.Postgres, connectionString, CancellationToken.None);
        var second = await migrator.MigrateAsync(StorageProvider.Postgres, connectionString, CancellationToken.None);

        Assert.Equal(AllScripts, first);
        Assert.Empty(second);
        Assert.Equal(AllScripts, await RecordedScriptsAsync(connectionString));
        var keys = await QueryKeysAsync(connectionString);
        Assert.Equal(
            OrleansQueryKeys.Clustering.Concat(OrleansQueryKeys.Storage).Concat(OrleansQueryKeys.Reminders).Order(StringComparer.Ordinal),
            keys);
    }

    [Fact]
    public async Task Concurrent_migrations_from_several_nodes_apply_each_script_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync("migrate_concurrently");

        // Each task is its own migrator on its own connection, like nodes starting together.
        var runs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            new SchemaMigrator().MigrateAsync(StorageProvider.Postgres, connectionString, CancellationToken.None))));

        Assert.Single(runs, applied => applied.Count > 0);
        Assert.Equal(AllScripts, runs.Single(applied => applied.Count > 0));
        Assert.Equal(AllScripts, await RecordedScriptsAsync(connectionString));
    }

    [Fact]
    public async Task Vibe_blob_table_accepts_content_once_per_hash()
    {
        var connectionString = await postgres.CreateDatabaseAsync("vibe_blobs");
        await new SchemaMigrator().MigrateAsync(StorageProvider.Postgres, connectionString, CancellationToken.None);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        const string insert = "INSERT INTO vibe_blobs (hash, size, content) VALUES (@hash, @size, @content) ON CONFLICT (hash) DO NOTHING";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var command = new NpgsqlCommand(insert, connection);
            command.Parameters.AddWithValue("hash", "sha256:abc");
            command.Parameters.AddWithValue("size", 3L);
            command.Parameters.AddWithValue("content", new byte[] { 1, 2, 3 });
            await command.ExecuteNonQueryAsync();
        }
        await using var count = new NpgsqlCommand("SELECT count(*) FROM vibe_blobs", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Unreachable_database_gives_a_typed_error()
    {
        var connectionString = postgres.ConnectionStringFor("no_such_database");

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() =>
            new SchemaMigrator().MigrateAsync(StorageProvider.Postgres, connectionString, CancellationToken.None));

        Assert.Equal("connect", error.ScriptId);
    }

    internal static async Task<string[]> RecordedScriptsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM vibe_schema_migrations ORDER BY id", connection);
        return await ReadStringsAsync(command);
    }

    private static async Task<string[]> QueryKeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The same unquoted spelling Orleans uses to read its queries.
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\"", connection);
        return await ReadStringsAsync(command);
    }

    private static async Task<string[]> ReadStringsAsync(NpgsqlCommand command)
    {
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return [.. values];
    }
}
