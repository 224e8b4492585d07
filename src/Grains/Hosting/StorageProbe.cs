using Microsoft.Data.Sqlite;
using Npgsql;
using Vibe.Grains.Blobs;

namespace Vibe.Grains.Hosting;

/// <summary>Answers "is the storage this node writes to reachable?" for the readiness check.</summary>
public sealed class StorageProbe(VibeOptions options, IBlobStore blobs)
{
    public async Task<(bool Ok, string Detail)> CheckAsync(CancellationToken ct)
    {
        try
        {
            if (options.IsCluster)
            {
                await using var connection = new NpgsqlConnection(options.Postgres);
                await connection.OpenAsync(ct);
                await using var cmd = new NpgsqlCommand("SELECT 1", connection);
                await cmd.ExecuteScalarAsync(ct);
            }
            else
            {
                await using var connection = new SqliteConnection(options.SqliteConnectionString);
                await connection.OpenAsync(ct);
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = "SELECT count(*) FROM OrleansQuery";
                await cmd.ExecuteScalarAsync(ct);
            }
            await blobs.ReadyAsync(ct);
            return (true, options.IsCluster ? "postgres" : "sqlite");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (false, e.Message);
        }
    }
}
