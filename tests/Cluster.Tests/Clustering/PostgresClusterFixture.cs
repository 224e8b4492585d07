using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;
using Vibe.Cluster.Tests.Grains;
using Vibe.Cluster.Tests.Postgres;
using Vibe.Grains.Hosting;

namespace Vibe.Cluster.Tests.Clustering;

/// <summary>
/// A two-silo TestingHost cluster whose membership, grain storage and reminders all live in PostgreSQL.
/// xunit 2 cannot hand a collection fixture to a class fixture, so the cluster starts on the first
/// <see cref="StartAsync"/> call and is shared by the rest of the class.
/// </summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    internal const string ConnectionStringKey = "Vibe:Tests:PostgresConnectionString";

    private readonly SemaphoreSlim _startGate = new(1, 1);
    private TestCluster? _cluster;

    /// <summary>The database the cluster uses; set once the cluster has started.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task<TestCluster> StartAsync(PostgresFixture postgres)
    {
        await _startGate.WaitAsync();
        try
        {
            if (_cluster is not null)
            {
                return _cluster;
            }
            ConnectionString = await postgres.CreateDatabaseAsync("cluster");
            await new SchemaMigrator().MigrateAsync(StorageProvider.Postgres, ConnectionString, CancellationToken.None);

            var builder = new TestClusterBuilder(initialSilosCount: 2);
            // Membership must come from the ADO.NET table, not TestingHost's in-memory one.
            builder.Options.UseTestClusterMembership = false;
            builder.Properties[ConnectionStringKey] = ConnectionString;
            builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
            builder.AddClientBuilderConfigurator<PostgresClientConfigurator>();
            var cluster = builder.Build();
            await cluster.DeployAsync();
            _cluster = cluster;
            return cluster;
        }
        finally
        {
            _startGate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
        _startGate.Dispose();
    }

    private sealed class PostgresSiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var connectionString = siloBuilder.Configuration[ConnectionStringKey];
            siloBuilder.UseAdoNetClustering(options =>
            {
                options.Invariant = StorageProviderInvariants.Postgres;
                options.ConnectionString = connectionString;
            });
            siloBuilder.AddAdoNetGrainStorage(NoteGrain.StorageName, options =>
            {
                options.Invariant = StorageProviderInvariants.Postgres;
                options.ConnectionString = connectionString;
            });
            siloBuilder.AddAdoNetGrainStorage(GrainStorageContract.DeleteOnClearStorageName, options =>
            {
                options.Invariant = StorageProviderInvariants.Postgres;
                options.ConnectionString = connectionString;
                options.DeleteStateOnClear = true;
            });
            siloBuilder.UseAdoNetReminderService(options =>
            {
                options.Invariant = StorageProviderInvariants.Postgres;
                options.ConnectionString = connectionString;
            });
            siloBuilder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }

    private sealed class PostgresClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            clientBuilder.UseAdoNetClustering(options =>
            {
                options.Invariant = StorageProviderInvariants.Postgres;
                options.ConnectionString = configuration[ConnectionStringKey];
            });
            clientBuilder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
