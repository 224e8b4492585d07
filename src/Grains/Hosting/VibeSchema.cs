namespace Vibe.Grains.Hosting;

/// <summary>Applies the schema of the store a node's settings point at: PostgreSQL in a cluster, the SQLite file embedded.</summary>
public static class VibeSchema
{
    public static StorageProvider ProviderOf(VibeOptions options) =>
        options.IsCluster ? StorageProvider.Postgres : StorageProvider.Sqlite;

    public static Task<IReadOnlyList<string>> MigrateAsync(this SchemaMigrator migrator, VibeOptions options, CancellationToken ct = default)
    {
        if (!options.IsCluster)
            Directory.CreateDirectory(options.FullDataDir);
        return migrator.MigrateAsync(ProviderOf(options), options.IsCluster ? options.Postgres! : options.SqliteConnectionString, ct);
    }

    /// <summary>Embedded nodes migrate at start by default; cluster nodes leave it to <c>migrate</c> unless told otherwise.</summary>
    public static async Task MigrateOnStartAsync(VibeOptions options, CancellationToken ct = default)
    {
        if (options.MigrateOnStart ?? !options.IsCluster)
            await new SchemaMigrator().MigrateAsync(options, ct);
    }
}
