using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;
using Vibe.Grains.Documents.Log;
using Vibe.Grains.Hosting;

namespace Vibe.Grains.Tests.Clustering;

/// <summary>
/// Two in-process silos running Vibe's real embedded setup (SQLite grain storage in a temporary data
/// directory, file blobs, memory streams) through <see cref="VibeSiloBuilderExtensions.AddVibeGrainServices"/>;
/// TestingHost owns ports and membership, which <c>AddVibeSilo</c>'s fixed localhost clustering would clash with.
/// </summary>
/// <remarks>
/// An embedded node's document log holds its file alone (<see cref="SqliteDocumentLog"/>),
/// so the two silos, which share one data directory here as they share one process, share the process's log
/// as well, the way one embedded node's grains do.
/// </remarks>
public sealed class VibeClusterFixture : IAsyncLifetime
{
    const string DataDirKey = "Vibe:Tests:DataDir";

    readonly string _dataDir = Directory.CreateTempSubdirectory("vibe-grains-tests-").FullName;

    static readonly ConcurrentDictionary<string, SqliteDocumentLog> Logs = new();

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public VibeOptions Options => OptionsFor(_dataDir);

    public async Task InitializeAsync()
    {
        await new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, Options.SqliteConnectionString, CancellationToken.None);
        var builder = new TestClusterBuilder(initialSilosCount: 2);
        builder.Properties[DataDirKey] = _dataDir;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
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
        if (Logs.TryRemove(Options.FullDataDir, out var log))
            await log.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    /// <summary>npm's cache outlives the run, so installs after the first come from disk, not the registry.</summary>
    public static string NpmCacheDir => Path.Combine(Path.GetTempPath(), "vibe-tests-npm-cache");

    static VibeOptions OptionsFor(string dataDir) => new() { DataDir = dataDir, NpmCacheDir = NpmCacheDir };

    sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var options = OptionsFor(silo.Configuration[DataDirKey]!);
            silo.AddVibeGrainServices(options);
            // Registered as an instance, so no silo's container disposes it; the fixture does, after both silos.
            silo.Services.AddSingleton<IDocumentLog>(Logs.GetOrAdd(options.FullDataDir, _ => VibeSiloBuilderExtensions.EmbeddedDocumentLog(options)));
            silo.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }

    sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            // A client that subscribes to project streams needs the provider too.
            client.AddMemoryStreams(StreamNames.Provider);
            client.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }
}
