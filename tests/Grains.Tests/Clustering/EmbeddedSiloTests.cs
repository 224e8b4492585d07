using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Vibe.Grains.Hosting;
using Vibe.Testing;

namespace Vibe.Grains.Tests.Clustering;

/// <summary>The production entry point, <c>AddVibeSilo</c>, unchanged: one embedded silo with its own localhost clustering.</summary>
public sealed class EmbeddedSiloTests
{
    [Fact]
    public async Task An_embedded_silo_from_AddVibeSilo_creates_a_project_that_survives_a_restart()
    {
        var dataDir = Directory.CreateTempSubdirectory("vibe-embedded-silo-").FullName;
        try
        {
            var options = new VibeOptions { DataDir = dataDir, SiloPort = FreePorts.Next(), GatewayPort = FreePorts.Next() };
            await new SchemaMigrator().MigrateAsync(StorageProvider.Sqlite, options.SqliteConnectionString);
            var id = TestKeys.ProjectId();
            var owner = TestKeys.Pubkey();

            using (var host = await StartAsync(options))
            {
                var grains = host.Services.GetRequiredService<IGrainFactory>();
                await grains.GetGrain<IProjectGrain>(id).CreateAsync(owner, "Embedded", "react");
                await grains.GetGrain<INamespaceGrain>(id).WriteAsync("/logs/first.log", Encoding.UTF8.GetBytes("one"));
                await host.StopAsync();
            }

            using (var host = await StartAsync(options))
            {
                var grains = host.Services.GetRequiredService<IGrainFactory>();
                Assert.Equal("Embedded", (await grains.GetGrain<IProjectGrain>(id).GetAsync()).Name);
                Assert.Contains("App", Encoding.UTF8.GetString((await grains.GetGrain<INamespaceGrain>(id).ReadAsync("/workspace/src/App.tsx")).Bytes));
                Assert.Equal("one", Encoding.UTF8.GetString((await grains.GetGrain<INamespaceGrain>(id).ReadAsync("/logs/first.log")).Bytes));
                await host.StopAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    static async Task<IHost> StartAsync(VibeOptions options)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo.AddVibeSilo(options));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
