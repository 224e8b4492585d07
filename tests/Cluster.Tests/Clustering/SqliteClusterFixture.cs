using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;
using Vibe.Cluster.Tests.Grains;
using Vibe.Grains.Hosting;

namespace Vibe.Cluster.Tests.Clustering;

/// <summary>
/// A single-silo cluster keeping grain state in a real SQLite file, as Vibe's embedded mode does
/// (TestingHost's own membership stands in for localhost clustering).
/// </summary>
public sealed class SqliteClusterFixture : IAsyncLifetime
{
    internal const string ConnectionStringKey = "Vibe:Tests:SqliteConnectionString";

    private readonly string _directory = Directory.CreateTempSubdirectory("vibe-sqlite-cluster-").FullName;

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "vibe.db") }.ConnectionString;

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, ConnectionString, CancellationToken.None);
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.Properties[ConnectionStringKey] = ConnectionString;
        builder.AddSiloBuilderConfigurator<SqliteSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class SqliteSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var connectionString = siloBuilder.Configuration[ConnectionStringKey];
            siloBuilder.AddAdoNetGrainStorage(NoteGrain.StorageName, options =>
            {
                options.Invariant = StorageProviderInvariants.Sqlite;
                options.ConnectionString = connectionString;
            });
            siloBuilder.AddAdoNetGrainStorage(GrainStorageContract.DeleteOnClearStorageName, options =>
            {
                options.Invariant = StorageProviderInvariants.Sqlite;
                options.ConnectionString = connectionString;
                options.DeleteStateOnClear = true;
            });
            siloBuilder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
