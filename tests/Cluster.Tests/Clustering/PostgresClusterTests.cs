using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans;
using Orleans.TestingHost;
using Vibe.Cluster.Tests.Grains;
using Vibe.Cluster.Tests.Postgres;

namespace Vibe.Cluster.Tests.Clustering;

[Collection(PostgresCollection.Name)]
public sealed class PostgresClusterTests(PostgresFixture postgres, PostgresClusterFixture fixture)
    : IClassFixture<PostgresClusterFixture>
{
    private const int ActiveStatus = 3;

    [Fact]
    public async Task Both_silos_register_as_active_in_the_postgres_membership_table()
    {
        var cluster = await fixture.StartAsync(postgres);

        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @cluster AND status = @active", connection);
        command.Parameters.AddWithValue("cluster", cluster.Options.ClusterId);
        command.Parameters.AddWithValue("active", ActiveStatus);

        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Grain_state_written_to_postgres_survives_deactivation()
    {
        var cluster = await fixture.StartAsync(postgres);
        var grain = cluster.GrainFactory.GetGrain<INoteGrain>("survives-deactivation");

        await grain.Append("first");
        await grain.Append("second");
        var before = await grain.ActivationTag();
        await grain.Deactivate();

        Assert.Equal(["first", "second"], await grain.Lines());
        Assert.NotEqual(before, await grain.ActivationTag());
        Assert.Equal(2, await StoredVersionAsync(cluster, "survives-deactivation"));
    }

    [Fact]
    public async Task Cleared_state_reads_back_empty_after_deactivation()
    {
        var cluster = await fixture.StartAsync(postgres);
        var grain = cluster.GrainFactory.GetGrain<INoteGrain>("cleared");

        await grain.Append("gone soon");
        await grain.Clear();
        await grain.Deactivate();

        Assert.Empty(await grain.Lines());
        Assert.Equal(2, await StoredVersionAsync(cluster, "cleared"));
    }

    [Fact]
    public async Task Registered_reminder_is_stored_in_postgres()
    {
        var cluster = await fixture.StartAsync(postgres);
        var grain = cluster.GrainFactory.GetGrain<INoteGrain>("reminded");

        await grain.RemindLater("nightly-snapshot");

        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT grain_id, period_ms FROM orleans_reminders WHERE service_id = @service AND reminder_name = 'nightly-snapshot'", connection);
        command.Parameters.AddWithValue("service", cluster.Options.ServiceId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no reminder row was written");
        Assert.Equal(grain.GetGrainId().ToString(), reader.GetString(0));
        Assert.Equal((long)TimeSpan.FromHours(1).TotalMilliseconds, reader.GetInt64(1));
    }

    [Fact]
    public async Task Postgres_grain_storage_rejects_stale_etags()
    {
        var cluster = await fixture.StartAsync(postgres);
        await GrainStorageContract.StaleWritesAreRejected(GrainStorageContract.StorageOf(cluster, NoteGrain.StorageName), "pg-contract");
    }

    [Fact]
    public async Task Postgres_grain_storage_deletes_on_clear_when_configured()
    {
        var cluster = await fixture.StartAsync(postgres);
        await GrainStorageContract.DeleteOnClearRemovesTheRecord(
            GrainStorageContract.StorageOf(cluster, GrainStorageContract.DeleteOnClearStorageName), "pg-delete");
    }

    [Fact]
    public async Task Reminder_table_reads_by_grain_and_by_hash_range_and_honours_etags()
    {
        var cluster = await fixture.StartAsync(postgres);
        var table = ((InProcessSiloHandle)cluster.Silos[0]).ServiceProvider.GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("note", "ranged");
        var hash = grainId.GetUniformHashCode();
        var entry = new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = "ranged",
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromDays(40), // longer than int.MaxValue milliseconds, so Orleans sends a bigint
        };

        var firstETag = await table.UpsertRow(entry);
        var secondETag = await table.UpsertRow(entry);

        Assert.NotEqual(firstETag, secondETag);
        Assert.Equal(entry.Period, (await table.ReadRow(grainId, "ranged"))!.Period);
        Assert.Contains((await table.ReadRows(grainId)).Reminders, r => r.ReminderName == "ranged");
        // (hash - 1, hash] holds the grain; its complement (hash, hash - 1] wraps around the ring and does not.
        Assert.Contains((await table.ReadRows(unchecked(hash - 1), hash)).Reminders, r => r.GrainId == grainId);
        Assert.DoesNotContain((await table.ReadRows(hash, unchecked(hash - 1))).Reminders, r => r.GrainId == grainId);

        Assert.False(await table.RemoveRow(grainId, "ranged", firstETag!));
        Assert.True(await table.RemoveRow(grainId, "ranged", secondETag!));
        Assert.Null(await table.ReadRow(grainId, "ranged"));
    }

    private async Task<int> StoredVersionAsync(TestCluster cluster, string grainKey)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT version FROM orleans_storage WHERE service_id = @service AND grain_id_extension = @key", connection);
        command.Parameters.AddWithValue("service", cluster.Options.ServiceId);
        command.Parameters.AddWithValue("key", grainKey);
        return (int)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no stored state for {grainKey}"));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
