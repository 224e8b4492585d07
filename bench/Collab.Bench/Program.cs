using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Vibe.Collab.Bench;
using Vibe.Testing;

// Collaboration fan-out benchmark: the same node harness (tests/e2e/bench.mjs, stock y-websocket clients)
// against Vibe.Web (Release, embedded, temp data dir) and against the reference @y/websocket-server.
// Usage: dotnet bench/Collab.Bench/bin/Release/net10.0/Vibe.Collab.Bench.dll [--editors 50] [--documents 10] [--rate 5] [--seconds 30] [--warmup 5]
//   [--rounds 3] (each server this many times, alternating which goes first; percentiles over all rounds' deliveries)
//   [--only vibe|y-websocket-server|dotnet-relay] (run one server) [--trace DIR] (write every delivery to DIR/{server}-{round}.trace)
//   [--control] (also run bench/Collab.Relay, the reference's relay logic on Vibe's stack without Orleans or the log)
var settings = Settings.Parse(args);
var root = Repo.Root();
var e2e = Path.Combine(root, "tests", "e2e");
if (!Directory.Exists(Path.Combine(e2e, "node_modules", "@y", "websocket-server")))
{
    Console.Error.WriteLine($"Run `npm ci` in {e2e} first.");
    return 2;
}

if (settings.Only is not (null or Servers.Vibe or Servers.Reference or Servers.Control))
{
    Console.Error.WriteLine($"--only takes {Servers.Vibe}, {Servers.Reference} or {Servers.Control}");
    return 2;
}
var web = Path.Combine(root, "src", "Web", "bin", "Release", "net10.0", "Vibe.Web.dll");
if (!File.Exists(web))
{
    Console.Error.WriteLine($"{web} is missing: dotnet build -c Release bench/Collab.Bench");
    return 2;
}
var relay = Path.Combine(root, "bench", "Collab.Relay", "bin", "Release", "net10.0", "Vibe.Collab.Relay.dll");

// Rounds alternate which server goes first, each server started afresh, so a machine that gets busier or
// quieter during the run weighs on both alike; the verdict is on the deliveries of all rounds pooled.
var servers = settings.Only is { } only ? [only]
    : settings.Control ? new[] { Servers.Vibe, Servers.Reference, Servers.Control } : new[] { Servers.Vibe, Servers.Reference };
var rounds = new List<JsonObject>();
for (var round = 1; round <= settings.Rounds; round++)
{
    foreach (var server in round % 2 == 1 ? servers : servers.Reverse())
    {
        var result = server switch
        {
            Servers.Vibe => await RunVibeAsync(),
            Servers.Control => await RunControlAsync(),
            _ => await RunReferenceAsync(),
        };
        result["round"] = round;
        rounds.Add(result);
    }
}

Report.Print(rounds, settings);
return rounds.All(r => r["converged"]?.GetValue<bool>() == true) ? 0 : 1;

// Vibe: a real process on a fresh data directory, with a user, a project and the documents made over REST.
async Task<JsonObject> RunVibeAsync()
{
    var dataDir = Path.Combine(Path.GetTempPath(), "vibe-bench-" + Guid.NewGuid().ToString("N")[..8]);
    var vibeUrl = $"http://127.0.0.1:{FreePorts.Next()}";
    try
    {
        using var vibe = ServerProcess.Start(Servers.Vibe, "dotnet", [web, $"--urls={vibeUrl}", $"--Vibe:DataDir={dataDir}", $"--Vibe:SiloPort={FreePorts.Next()}", $"--Vibe:GatewayPort={FreePorts.Next()}",
            $"--Vibe:PreviewUrl=http://127.0.0.1:{FreePorts.Next()}"],
            new() { ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_ENVIRONMENT"] = "Production" });
        var (api, token) = await VibeSession.SignInAsync(vibeUrl, vibe);
        using var _ = api;
        var project = (string)(await (await api.PostAsJsonAsync("/api/projects", new { name = "Bench", template = "blank" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        for (var d = 0; d < settings.Documents; d++)
            (await api.PutAsync($"/api/projects/{project}/files/doc-{d}.txt", new StringContent(""))).EnsureSuccessStatusCode();
        return await Harness.RunAsync(e2e, Servers.Vibe, $"ws://127.0.0.1:{new Uri(vibeUrl).Port}/yjs/{project}", token, settings, vibe);
    }
    finally
    {
        try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
    }
}

// The reference: @y/websocket-server's own server bin (in-memory documents), same harness.
async Task<JsonObject> RunReferenceAsync()
{
    var refPort = FreePorts.Next();
    using var reference = ServerProcess.Start(Servers.Reference, "node", [Path.Combine(e2e, "node_modules", "@y", "websocket-server", "src", "server.js")],
        new() { ["HOST"] = "127.0.0.1", ["PORT"] = refPort.ToString(CultureInfo.InvariantCulture) });
    await Wait.UntilAsync(() => Task.FromResult(reference.Output.Contains("running at")), TimeSpan.FromSeconds(30), () => "reference never started:\n" + reference.Output);
    return await Harness.RunAsync(e2e, Servers.Reference, $"ws://127.0.0.1:{refPort}", null, settings, reference);
}

// The control: bench/Collab.Relay (built with this project), in-memory rooms like the reference's, same harness.
async Task<JsonObject> RunControlAsync()
{
    var url = $"http://127.0.0.1:{FreePorts.Next()}";
    using var control = ServerProcess.Start(Servers.Control, "dotnet", [relay, $"--urls={url}"], new() { ["DOTNET_ENVIRONMENT"] = "Production" });
    using var probe = new HttpClient { BaseAddress = new Uri(url) };
    await Wait.UntilAsync(async () => (await probe.GetAsync("/health")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), () => "the control never started:\n" + control.Output);
    return await Harness.RunAsync(e2e, Servers.Control, $"ws://127.0.0.1:{new Uri(url).Port}", null, settings, control);
}
