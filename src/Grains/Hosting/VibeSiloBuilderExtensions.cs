using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Vibe.Grains.Blobs;
using Vibe.Grains.Documents.Log;

namespace Vibe.Grains.Hosting;

/// <summary>
/// The one place a Vibe silo or client is configured: embedded (localhost clustering, SQLite storage,
/// in-memory reminders) or cluster (PostgreSQL for membership, storage and reminders).
/// </summary>
public static class VibeSiloBuilderExtensions
{
    public const string SqliteInvariant = StorageProviderInvariants.Sqlite;
    public const string PostgresInvariant = StorageProviderInvariants.Postgres;

    public static ISiloBuilder AddVibeSilo(this ISiloBuilder silo, VibeOptions options)
    {
        options.Validate();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        if (options.IsCluster)
        {
            silo.ConfigureEndpoints(options.ResolveAdvertisedAddress(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = options.Postgres;
            });
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
        }
        return silo.AddVibeGrainServices(options);
    }

    /// <summary>
    /// Everything a Vibe silo needs except clustering (cluster ids, endpoints, membership): grain storage,
    /// reminders, streams and services. Split out so a test host that owns clustering runs the real rest.
    /// </summary>
    public static ISiloBuilder AddVibeGrainServices(this ISiloBuilder silo, VibeOptions options)
    {
        options.Validate();
        if (options.IsCluster)
        {
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = PostgresInvariant;
                o.ConnectionString = options.Postgres;
            });
            AddStorage(silo, PostgresInvariant, options.Postgres!);
        }
        else
        {
            Directory.CreateDirectory(options.FullDataDir);
            silo.UseInMemoryReminderService();
            AddStorage(silo, SqliteInvariant, options.SqliteConnectionString);
        }

        // The pulling agents poll the in-memory queues on a timer (Orleans' 100 ms). Nothing a user waits for
        // in a keystroke's path goes through a stream: document grains push their frames to web nodes and
        // previews, and previews push HMR messages to web nodes. Each poll of each queue is a timer tick and a
        // call, so there are few queues: with Orleans' default of 8 the ticks were a tenth of a busy node's CPU
        // (bench/Collab.Bench); a 10 ms period was over a third of a busy node's thread-pool work items.
        silo.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePartitioning(StreamQueues(options)));
        silo.Services.AddVibeServices(options);
        // Only silos host document grains, so only they hold the document store.
        if (options.IsCluster)
            silo.Services.AddSingleton<IDocumentLog>(sp => new PostgresDocumentLog(sp.GetRequiredService<NpgsqlDataSource>()));
        else
            silo.Services.AddSingleton<IDocumentLog>(_ => EmbeddedDocumentLog(options));
        return silo;
    }

    /// <summary>An embedded node's document log: <c>documents.db</c> in the data directory, taking over a log an older node kept in <c>vibe.db</c>.</summary>
    public static SqliteDocumentLog EmbeddedDocumentLog(VibeOptions options) =>
        new(options.DocumentsPath, options.DocumentDurability, importFrom: options.SqlitePath);

    public static IClientBuilder AddVibeClient(this IClientBuilder client, VibeOptions options)
    {
        options.Validate();
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        client.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = options.Postgres;
        });
        client.AddMemoryStreams(StreamNames.Provider, streams => streams.ConfigurePartitioning(StreamQueues(options)));
        client.Services.AddVibeServices(options);
        return client;
    }

    /// <summary>Queues of the memory stream provider: one for an embedded process (each is polled 10 times a second), one per silo of a small cluster and spare.</summary>
    static int StreamQueues(VibeOptions options) => options.IsCluster ? 8 : 1;

    static void AddStorage(ISiloBuilder silo, string invariant, string connectionString)
    {
        foreach (var name in new[] { StreamNames.Storage, "PubSubStore" })
        {
            silo.AddAdoNetGrainStorage(name, o =>
            {
                o.Invariant = invariant;
                o.ConnectionString = connectionString;
            });
        }
    }

    /// <summary>Services every Vibe process needs, silo or client.</summary>
    static IServiceCollection AddVibeServices(this IServiceCollection services, VibeOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        if (options.IsCluster)
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(options.Postgres!));
            services.AddSingleton<IBlobStore>(sp => new PostgresBlobStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.AddSingleton<IBlobStore>(_ => new FileBlobStore(Path.Combine(options.FullDataDir, "blobs")));
        }
        services.AddSingleton<StorageProbe>();
        services.TryAddSingleton<Documents.LocalDocumentListeners>();
        services.TryAddSingleton<Documents.LocalDocuments>();
        return services;
    }
}
