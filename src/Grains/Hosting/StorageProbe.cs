using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Vibe.Grains.Blobs;
using Vibe.Grains.Documents.Log;

namespace Vibe.Grains.Hosting;

/// <summary>Answers "is the storage this node writes to reachable?" for the readiness check.</summary>
/// <remarks>
/// In embedded mode that includes the document log, which holds its own file (<see cref="SqliteDocumentLog"/>):
/// a second node started on the same data directory is not ready, and says why.
/// </remarks>
public sealed class StorageProbe(VibeOptions options, IBlobStore blobs, IServiceProvider services)
{
    /// <summary>The document id the probe reads from the document log; no file has it (ids are project/path).</summary>
    public const string ProbeDocumentId = "";

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
                // Only a node hosting the silo holds a log.
                if (services.GetService<IDocumentLog>() is { } log)
                    await log.LoadAsync(ProbeDocumentId, ct);
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
