using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Vibe.Cluster.Tests.Postgres;
using Vibe.Contracts.Namespaces;
using Vibe.Grains.Hosting;
using Vibe.Grains.Identity;
using Vibe.Testing;

namespace Vibe.Cluster.Tests.Processes;

/// <summary>
/// The cluster topology of docker-compose.yml with plain processes: PostgreSQL, a migrate run, two headless
/// silos and a web node in client role. Files written through the web node survive kill -9 of the silo
/// that hosts the project's namespace.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterFailoverTests(PostgresFixture postgres)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killed_silo_loses_no_acknowledged_file()
    {
        var connection = await postgres.CreateDatabaseAsync("failover");
        var pg = $"--Vibe:Postgres={connection}";

        // Migrate twice: the second run must find nothing to do.
        var first = await VibeProcess.RunAsync("Silo", "Vibe.Silo", Deadline, "migrate", pg);
        Assert.True(first.ExitCode == 0, first.Output);
        var second = await VibeProcess.RunAsync("Silo", "Vibe.Silo", Deadline, "migrate", pg);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("up to date", second.Output);

        var ports = Enumerable.Range(0, 6).Select(_ => FreePorts.Next()).ToArray();
        await using var siloA = VibeProcess.Start("silo-a", "Silo", "Vibe.Silo", pg, $"--Vibe:SiloPort={ports[0]}", $"--Vibe:GatewayPort={ports[1]}");
        await using var siloB = VibeProcess.Start("silo-b", "Silo", "Vibe.Silo", pg, $"--Vibe:SiloPort={ports[2]}", $"--Vibe:GatewayPort={ports[3]}");
        var url = $"http://127.0.0.1:{ports[4]}";
        await using var web = VibeProcess.Start("web", "Web", "Vibe.Web", pg, "--Vibe:Role=client", $"--urls={url}",
            $"--Vibe:PreviewUrl=http://127.0.0.1:{ports[5]}");

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await UntilAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, () => $"web never ready:\n{web.Output}\n{siloA.Output}\n{siloB.Output}");
        await UntilAsync(async () => (await http.GetFromJsonAsync<Ready>("/health/ready"))!.ActiveSilos == 2, () => "both silos never joined");

        var user = NostrEventSigner.Generate();
        var signing = new Nip98SigningHandler(user, new HttpClientHandler());
        using var api = new HttpClient(signing) { BaseAddress = new Uri(url) };
        var session = await (await api.PostAsync("/api/auth/session", null)).Content.ReadFromJsonAsync<Session>();
        signing.BearerToken = session!.Token;

        var created = await api.PostAsJsonAsync("/api/projects", new { name = "Failover", template = "blank" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var project = (await created.Content.ReadFromJsonAsync<Project>())!.Id;

        var files = Enumerable.Range(0, 100).ToDictionary(
            i => $"data/file-{i:D3}.{(i % 10 == 0 ? "bin" : "txt")}",
            i => i % 10 == 0 ? Enumerable.Range(0, 256).Select(b => (byte)(b ^ i)).ToArray() : Encoding.UTF8.GetBytes($"file {i}\n"));
        foreach (var (path, bytes) in files)
        {
            var put = await api.PutAsync($"/api/projects/{project}/files/{path}", new ByteArrayContent(bytes));
            Assert.True(put.IsSuccessStatusCode, $"{path}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }

        // Find the silo that hosts the project's namespace grain and kill it without warning.
        var hostPort = await NamespaceHostPortAsync(connection, project);
        var victim = hostPort == ports[0] ? siloA : siloB;
        var survivor = victim == siloA ? siloB : siloA;
        await victim.KillHardAsync();

        foreach (var (path, bytes) in files)
        {
            byte[]? read = null;
            await UntilAsync(async () =>
            {
                var get = await api.GetAsync($"/api/projects/{project}/files/{path}");
                if (get.StatusCode != HttpStatusCode.OK)
                    return false;
                read = await get.Content.ReadAsByteArrayAsync();
                return true;
            }, () => $"{path} unreadable after failover:\n{survivor.Output}\n{web.Output}");
            Assert.Equal(bytes, read);
        }
        Assert.False(survivor.HasExited, survivor.Output);
    }

    /// <summary>Asks the cluster, as an Orleans client of its own, which silo runs the namespace grain.</summary>
    static async Task<int> NamespaceHostPortAsync(string connection, string project)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c.AddVibeClient(new VibeOptions { Postgres = connection, Role = VibeRole.Client }));
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IClusterClient>();
        var ns = client.GetGrain<INamespaceGrain>(project);
        await ns.GetMountsAsync();
        var address = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(ns);
        await host.StopAsync();
        return address!.Endpoint.Port;
    }

    static async Task UntilAsync(Func<Task<bool>> condition, Func<string> failure)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
            }
            if (DateTime.UtcNow > until)
                Assert.Fail(failure());
            await Task.Delay(200);
        }
    }

    sealed record Ready(string Status, int ActiveSilos);
    sealed record Session(string Token, DateTimeOffset ExpiresAt);
    sealed record Project(string Id);
}
