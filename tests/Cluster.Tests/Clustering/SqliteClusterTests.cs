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
