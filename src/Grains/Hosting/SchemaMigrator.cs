using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Vibe.Grains.Hosting;

/// <summary>
/// Brings a database up to Vibe's schema: Orleans' ADO.NET tables and queries plus Vibe's own tables.
/// Every script is idempotent and recorded in vibe_schema_migrations; all pending scripts run in one
/// transaction, serialised between nodes that start together, so running it again (or concurrently) is a no-op.
/// </summary>
public sealed partial class SchemaMigrator
{
    /// <summary>The key of the transaction-scoped advisory lock that serialises migrations on PostgreSQL ("VibeSchm").</summary>
    public const long PostgresAdvisoryLockKey = 0x5669_6265_5363_686D;

    private const string PostgresBookkeeping = """
        CREATE TABLE IF NOT EXISTS vibe_schema_migrations
        (
            id         text        NOT NULL PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string SqliteBookkeeping = """
        CREATE TABLE IF NOT EXISTS vibe_schema_migrations
        (
            id         TEXT NOT NULL PRIMARY KEY,
            applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        """;

    private readonly ILogger _logger;

    public SchemaMigrator(ILogger<SchemaMigrator>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Applies the scripts of <paramref name="provider"/> that the database has not recorded yet.
    /// </summary>
    /// <returns>The ids of the scripts this call applied, in order; empty when the schema was already current.</returns>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    /// <exception cref="SchemaMigrationException">The database could not be reached or a script failed; nothing was committed.</exception>
    public Task<IReadOnlyList<string>> MigrateAsync(StorageProvider provider, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var scripts = SchemaScript.For(provider);
        return provider switch
        {
            StorageProvider.Postgres => MigratePostgresAsync(connectionString, scripts, cancellationToken),
            StorageProvider.Sqlite => MigrateSqliteAsync(connectionString, scripts, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown storage provider."),
        };
    }

    private async Task<IReadOnlyList<string>> MigratePostgresAsync(string connectionString, IReadOnlyList<SchemaScript> scripts, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await OpenAsync(StorageProvider.Postgres, connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Released at commit or rollback; a second node waits here and then finds every script recorded.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", PostgresAdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = await ApplyPendingAsync(StorageProvider.Postgres, connection, transaction, PostgresBookkeeping, scripts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogOutcome(StorageProvider.Postgres, applied);
        return applied;
    }

    private async Task<IReadOnlyList<string>> MigrateSqliteAsync(string connectionString, IReadOnlyList<SchemaScript> scripts, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await OpenAsync(StorageProvider.Sqlite, connection, cancellationToken);

        // WAL lets grain reads proceed while a write is open; it is a property of the file and cannot change inside a transaction.
        await using (var walCommand = connection.CreateCommand())
        {
            walCommand.CommandText = "PRAGMA journal_mode = WAL;";
            await walCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // BEGIN IMMEDIATE takes the write lock up front, so two processes cannot both decide a script is pending.
        await using var transaction = (SqliteTransaction)await Task.Run(() => connection.BeginTransaction(deferred: false), cancellationToken);
        var applied = await ApplyPendingAsync(StorageProvider.Sqlite, connection, transaction, SqliteBookkeeping, scripts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogOutcome(StorageProvider.Sqlite, applied);
        return applied;
    }

    private static async Task OpenAsync(StorageProvider provider, DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            throw new SchemaMigrationException(provider, "connect", ex);
        }
    }

    private async Task<IReadOnlyList<string>> ApplyPendingAsync(
        StorageProvider provider,
        DbConnection connection,
        DbTransaction transaction,
        string bookkeepingDdl,
        IReadOnlyList<SchemaScript> scripts,
        CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, bookkeepingDdl, cancellationToken);

        var recorded = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = Command(connection, transaction, "SELECT id FROM vibe_schema_migrations"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add(reader.GetString(0));
            }
        }

        var applied = new List<string>();
        foreach (var script in scripts)
        {
            if (recorded.Contains(script.Id))
            {
                continue;
            }
            try
            {
                await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
                await using var record = Command(connection, transaction, "INSERT INTO vibe_schema_migrations (id) VALUES (@id)");
                var id = record.CreateParameter();
                id.ParameterName = "id";
                id.Value = script.Id;
                record.Parameters.Add(id);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (DbException ex)
            {
                throw new SchemaMigrationException(provider, script.Id, ex);
            }
            LogApplied(provider, script.Id);
            applied.Add(script.Id);
        }
        return applied;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private void LogOutcome(StorageProvider provider, IReadOnlyList<string> applied)
    {
        if (applied.Count == 0)
        {
            LogUpToDate(provider);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema script {ScriptId} to {Provider}")]
    private partial void LogApplied(StorageProvider provider, string scriptId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Provider} schema is up to date")]
    private partial void LogUpToDate(StorageProvider provider);
}
