using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Vibe.Cluster.Tests.Postgres;
using Vibe.Cluster.Tests.Processes;
using Vibe.Contracts.Documents;
using Vibe.Grains.Hosting;
using Vibe.Grains.Identity;
using Vibe.Testing;

namespace Vibe.Cluster.Tests.Collab;

/// <summary>
/// Two Vibe.Web processes co-hosting silos of one PostgreSQL cluster, an editor on each: every update
/// crosses between the nodes through the document grain's stream, and killing the node that hosts the
/// document loses no acknowledged update.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoWebNodesTests(PostgresFixture postgres)
{
    // Generous: two silos forming a cluster on a loaded 2-core machine take a while.
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(240);

    sealed record Node(VibeProcess Process, string Url, int SiloPort);

    async Task<(string Connection, Node A, Node B)> StartAsync(string database)
    {
        var connection = await postgres.CreateDatabaseAsync(database);
        var pg = $"--Vibe:Postgres={connection}";
        var migrate = await VibeProcess.RunAsync("Silo", "Vibe.Silo", Deadline, "migrate", pg);
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        var key = $"--Vibe:SessionKey={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}";
        Node Start(string name)
        {
            var (silo, gateway, http) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
            var url = $"http://127.0.0.1:{http}";
            var process = VibeProcess.Start(name, "Web", "Vibe.Web", pg, key, "--Vibe:Role=Silo", "--Vibe:AdvertisedAddress=127.0.0.1",
                $"--Vibe:SiloPort={silo}", $"--Vibe:GatewayPort={gateway}", $"--urls={url}",
                $"--Vibe:PreviewUrl=http://127.0.0.1:{FreePorts.Next()}");
            return new Node(process, url, silo);
        }
        var a = Start("web-a");
        var b = Start("web-b");
        await Deadlines.UntilReadyAsync(a.Url, a.Process, Deadline, silos: 2);
        await Deadlines.UntilReadyAsync(b.Url, b.Process, Deadline, silos: 2);
        return (connection, a, b);
    }

    [Fact]
    public async Task Edits_cross_between_editors_on_different_web_nodes_both_ways()
    {
        var (_, a, b) = await StartAsync("collab_cross");
        await using var _a = a.Process;
        await using var _b = b.Process;
        var signer = NostrEventSigner.Generate();
        using var onA = await VibeUser.SignInAsync(a.Url, signer);
        using var onB = await VibeUser.SignInAsync(b.Url, signer);
        var project = await onA.CreateProjectAsync();
        await onA.PutAsync(project, "shared.md", "base\n");

        await using var left = await CollabPeer.JoinAsync(a.Url, onA.Token, project, "shared.md");
        await using var right = await CollabPeer.JoinAsync(b.Url, onB.Token, project, "shared.md");
        await Deadlines.UntilAsync(() => Task.FromResult(left.Text == "base\n" && right.Text == "base\n"), () => $"initial sync: '{left.Text}' '{right.Text}'", Deadline);

        await left.InsertAsync(0, "from A\n");
        await Deadlines.UntilAsync(() => Task.FromResult(right.Text == "from A\nbase\n"), () => $"B sees '{right.Text}'", Deadline);
        await right.InsertAsync(int.MaxValue, "from B\n");
        await Deadlines.UntilAsync(() => Task.FromResult(left.Text == "from A\nbase\nfrom B\n"), () => $"A sees '{left.Text}'", Deadline);

        // Concurrent bursts from both nodes converge, and REST on either node reads the same text.
        await Task.WhenAll(
            Task.Run(async () => { for (var i = 0; i < 50; i++) await left.InsertAsync(0, $"<a{i}>"); }),
            Task.Run(async () => { for (var i = 0; i < 50; i++) await right.InsertAsync(0, $"<b{i}>"); }));
        await Deadlines.UntilAsync(() => Task.FromResult(left.Text == right.Text && left.Text.Contains("<a49>") && left.Text.Contains("<b49>")),
            () => $"A='{left.Text}'\nB='{right.Text}'", Deadline);
        Assert.Equal(left.Text, await onB.ReadAsync(project, "shared.md"));
        Assert.Equal(left.Text, await onA.ReadAsync(project, "shared.md"));
    }

    [Fact]
    public async Task Killing_the_node_hosting_the_document_loses_no_acknowledged_update()
    {
        var (connection, a, b) = await StartAsync("collab_failover");
        await using var _a = a.Process;
        await using var _b = b.Process;
        var signer = NostrEventSigner.Generate();
        using var onA = await VibeUser.SignInAsync(a.Url, signer);
        using var onB = await VibeUser.SignInAsync(b.Url, signer);
        var project = await onA.CreateProjectAsync();
        await onA.PutAsync(project, "log.md", "start\n");

        var peers = new List<CollabPeer>();
        for (var i = 0; i < 2; i++)
        {
            peers.Add(await CollabPeer.JoinAsync(a.Url, onA.Token, project, "log.md"));
            peers.Add(await CollabPeer.JoinAsync(b.Url, onB.Token, project, "log.md"));
        }
        var writers = new MarkerWriters();
        using var stop = new CancellationTokenSource();
        var writing = writers.RunAsync(peers, "c", stop.Token);
        await Deadlines.UntilAsync(() => Task.FromResult(writers.Acknowledged.Count >= 200), () => $"only {writers.Acknowledged.Count} acknowledged", Deadline);

        var host = await DocumentHostPortAsync(connection, peers[0].DocumentId);
        var (victim, survivor) = host == a.SiloPort ? (a, b) : (b, a);
        Assert.True(host == a.SiloPort || host == b.SiloPort, $"document on unknown silo port {host}");
        await victim.Process.KillHardAsync();
        stop.Cancel();
        await writing;
        var acknowledged = writers.Acknowledged.ToList();
        foreach (var peer in peers)
            await peer.DisposeAsync();

        var reader = survivor == a ? onA : onB;
        var text = "";
        await Deadlines.UntilAsync(async () =>
        {
            var get = await reader.Http.GetAsync($"/api/projects/{project}/files/log.md");
            if (!get.IsSuccessStatusCode)
                return false;
            text = await get.Content.ReadAsStringAsync();
            return true;
        }, () => $"unreadable after failover:\n{survivor.Process.Output}", Deadline);
        var missing = acknowledged.Where(m => !text.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged updates lost, e.g. {string.Join(" ", missing.Take(5))}");
        Assert.False(survivor.Process.HasExited, survivor.Process.Output);
    }

    /// <summary>Asks the cluster, as an Orleans client of its own, which silo runs the document grain.</summary>
    static async Task<int> DocumentHostPortAsync(string connection, string documentId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c.AddVibeClient(new VibeOptions { Postgres = connection, Role = VibeRole.Client }));
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IClusterClient>();
        var document = client.GetGrain<IDocumentGrain>(documentId);
        await document.GetTextAsync();
        var address = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(document);
        await host.StopAsync();
        return address!.Endpoint.Port;
    }
}
