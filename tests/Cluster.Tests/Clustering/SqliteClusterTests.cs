using Microsoft.Data.Sqlite;
using Vibe.Cluster.Tests.Grains;

namespace Vibe.Cluster.Tests.Clustering;

public sealed class SqliteClusterTests(SqliteClusterFixture fixture) : IClassFixture<SqliteClusterFixture>
{
    [Fact]
    public async Task Grain_state_written_to_sqlite_survives_deactivation()
    {
        var grain = fixture.Cluster.GrainFactory.GetGrain<INoteGrain>("survives-deactivation");

        await grain.Append("first");
        await grain.Append("second");
        var before = await grain.ActivationTag();
        await grain.Deactivate();

        Assert.Equal(["first", "second"], await grain.Lines());
        Assert.NotEqual(before, await grain.ActivationTag());
        Assert.Equal(2L, await StoredVersionAsync("survives-deactivation"));
    }

    [Fact]
    public async Task Cleared_state_reads_back_empty_after_deactivation()
    {
        var grain = fixture.Cluster.GrainFactory.GetGrain<INoteGrain>("cleared");

        await grain.Append("gone soon");
        await grain.Clear();
        await grain.Deactivate();

        Assert.Empty(await grain.Lines());
        Assert.Equal(2L, await StoredVersionAsync("cleared"));
    }

    [Fact]
    public async Task Sqlite_grain_storage_rejects_stale_etags()
    {
        await GrainStorageContract.StaleWritesAreRejected(
            GrainStorageContract.StorageOf(fixture.Cluster, NoteGrain.StorageName), "sqlite-contract");
    }

    [Fact]
    public async Task Sqlite_grain_storage_deletes_on_clear_when_configured()
    {
        await GrainStorageContract.DeleteOnClearRemovesTheRecord(
            GrainStorageContract.StorageOf(fixture.Cluster, GrainStorageContract.DeleteOnClearStorageName), "sqlite-delete");
    }

    private async Task<long> StoredVersionAsync(string grainKey)
    {
        await using var connection = new SqliteConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM orleans_storage WHERE service_id = $service AND grain_id_extension = $key";
        command.Parameters.AddWithValue("$service", fixture.Cluster.Options.ServiceId);
        command.Parameters.AddWithValue("$key", grainKey);
        return (long)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no stored state for {grainKey}"));
    }
}
