using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vibe.Grains.Identity;
using Vibe.Testing;

namespace Vibe.Collab.Bench;

public sealed record Settings(int Editors, int Documents, int Rate, int Seconds, int Warmup, int Rounds, string? Only, string? TraceDir, bool Control)
{
    public static Settings Parse(string[] args)
    {
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        string? Text(string name)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        return new Settings(Get("editors", 50), Get("documents", 10), Get("rate", 5), Get("seconds", 30), Get("warmup", 5), Get("rounds", 3), Text("only"), Text("trace"), args.Contains("--control"));
    }
}

public static class Repo
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vibe.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Vibe.sln not found above " + AppContext.BaseDirectory);
    }
}

public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> failure)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException(failure());
            await Task.Delay(100);
        }
    }
}

/// <summary>A server under test as a child process, whose CPU time and memory are read from /proc.</summary>
public sealed class ServerProcess : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    ServerProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static ServerProcess Start(string name, string file, string[] args, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        foreach (var (k, v) in environment)
            info.Environment[k] = v;
        var server = new ServerProcess(new Process { StartInfo = info });
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>User plus system CPU time of the process (Linux /proc; falls back to .NET's view).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident set size now and at its peak (VmRSS, VmHWM), in MiB.</summary>
    public (double Rss, double Peak) Memory()
    {
        double Field(string name)
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
                if (line.StartsWith(name + ":", StringComparison.Ordinal))
                    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            return 0;
        }
        return (Field("VmRSS"), Field("VmHWM"));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}

/// <summary>Runs tests/e2e/bench.mjs against one server and adds that server's CPU and memory to its JSON.</summary>
/// <summary>A Vibe node under test: waits until it is ready and signs a fresh key in over NIP-98.</summary>
public static class VibeSession
{
    /// <summary>A client of <paramref name="baseUrl"/> that sends a new user's session token, and the token.</summary>
    public static async Task<(HttpClient Api, string Token)> SignInAsync(string baseUrl, ServerProcess node)
    {
        using var probe = new HttpClient { BaseAddress = new Uri(baseUrl) };
        await Wait.UntilAsync(async () => (await probe.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(120), () => "Vibe never ready:\n" + node.Output);
        var signing = new Nip98SigningHandler(NostrEventSigner.Generate(), new HttpClientHandler());
        var api = new HttpClient(signing) { BaseAddress = new Uri(baseUrl) };
        var session = await (await api.PostAsync("/api/auth/session", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        signing.BearerToken = (string)session!["token"]!;
        return (api, signing.BearerToken);
    }
}

public static class Harness
{
    public static async Task<JsonObject> RunAsync(string e2e, string label, string serverUrl, string? token, Settings settings, ServerProcess server)
    {
        var latenciesFile = Path.Combine(Path.GetTempPath(), $"vibe-bench-latencies-{Guid.NewGuid():N}.txt");
        var options = new JsonObject
        {
            ["serverUrl"] = serverUrl,
            ["token"] = token,
            ["label"] = label,
            ["editors"] = settings.Editors,
            ["documents"] = settings.Documents,
            ["rate"] = settings.Rate,
            ["seconds"] = settings.Seconds,
            ["warmup"] = settings.Warmup,
            ["trace"] = settings.TraceDir is null ? null : Path.Combine(Path.GetFullPath(settings.TraceDir), $"{label}-{DateTime.UtcNow:HHmmss}.trace"),
            ["latencies"] = latenciesFile,
        };
        var info = new ProcessStartInfo("node") { WorkingDirectory = e2e, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("bench.mjs");
        info.ArgumentList.Add(options.ToJsonString());
        var cpuBefore = server.CpuTime;
        var (_, baseline) = server.Memory();
        var clock = Stopwatch.StartNew();
        using var node = Process.Start(info)!;
        var stderr = node.StandardError.ReadToEndAsync();
        double peakRss = 0;
        var sampling = Task.Run(async () =>
        {
            while (!node.HasExited)
            {
                peakRss = Math.Max(peakRss, server.Memory().Rss);
                await Task.Delay(500);
            }
        });
        var stdout = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        await sampling;
        var elapsed = clock.Elapsed;
        var cpu = server.CpuTime - cpuBefore;
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"{label}: the harness printed no result:\n{stdout}\n{await stderr}");
        var result = JsonNode.Parse(line)!.AsObject();
        if (result["error"] is not null)
            throw new InvalidOperationException($"{label}: {result["error"]}\n{await stderr}\nserver:\n{server.Output}");
        if (File.Exists(latenciesFile))
        {
            result["latencies"] = new JsonArray([.. File.ReadLines(latenciesFile).Where(l => l.Length > 0)
                .Select(l => (JsonNode)double.Parse(l, CultureInfo.InvariantCulture))]);
            File.Delete(latenciesFile);
        }
        result["serverCpuSeconds"] = Math.Round(cpu.TotalSeconds, 2);
        result["serverCpuPercent"] = Math.Round(100 * cpu.TotalSeconds / elapsed.TotalSeconds, 1);
        result["serverRssMiBStart"] = Math.Round(baseline, 1);
        result["serverRssMiBPeak"] = Math.Round(Math.Max(peakRss, server.Memory().Peak), 1);
        return result;
    }
}

/// <summary>The servers the benchmark knows, by the labels its rows and JSON use.</summary>
public static class Servers
{
    public const string Vibe = "vibe";
    public const string Reference = "y-websocket-server";
    /// <summary>bench/Collab.Relay: the reference's relay on Vibe's stack, without Orleans or the update log (<c>--control</c>).</summary>
    public const string Control = "dotnet-relay";
}

public static class Report
{
    /// <summary>
    /// One row per round and server, then one per server over all its rounds: percentiles of every delivery of
    /// every round together, updates per second and CPU as the mean of the rounds. The ratio is of the pooled rows.
    /// </summary>
    public static void Print(IReadOnlyList<JsonObject> rounds, Settings settings)
    {
        Console.WriteLine($"Collaboration fan-out: {settings.Editors} editors over {settings.Documents} documents, {settings.Rate} keystrokes/s each, " +
            $"{settings.Seconds} s measured after {settings.Warmup} s of warm-up, {settings.Rounds} round(s) per server");
        Console.WriteLine($"{"server",-24} {"upd/s",7} {"deliv/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"CPU s",7} {"CPU %",6} {"RSS MiB",8} {"conv",5}");
        void Row(string label, JsonObject r) =>
            Console.WriteLine($"{label,-24} {r["updatesPerSecond"],7} {r["deliveriesPerSecond"],8} {r["p50"],8} {r["p95"],8} {r["p99"],8} {r["max"],8} {r["serverCpuSeconds"],7} {r["serverCpuPercent"],6} {r["serverRssMiBPeak"],8} {r["converged"],5}");
        foreach (var r in rounds)
            Row($"{r["label"]} #{r["round"]}", r);
        var pooled = rounds.GroupBy(r => (string)r["label"]!).Select(g => Pool(g.Key, [.. g])).ToList();
        foreach (var r in pooled)
            Row($"{r["label"]} (all)", r);

        var summary = new JsonObject { ["benchmark"] = "collab-y-websocket-fanout" };
        foreach (var r in pooled)
            summary[(string)r["label"]!] = r.DeepClone();
        summary["rounds"] = new JsonArray([.. rounds.Select(r =>
        {
            var copy = r.DeepClone().AsObject();
            copy.Remove("latencies");
            return (JsonNode)copy;
        })]);
        // The verdict: Vibe against the reference; with --control, also the control against the reference.
        static double? Ratio(JsonNode? a, JsonNode? b) =>
            a is null || b is null || b.GetValue<double>() == 0 ? null : Math.Round(a.GetValue<double>() / b.GetValue<double>(), 2);
        JsonObject? Ratios(string label)
        {
            var a = pooled.FirstOrDefault(r => (string)r["label"]! == label);
            var b = pooled.FirstOrDefault(r => (string)r["label"]! == Servers.Reference);
            if (a is null || b is null)
                return null;
            return new JsonObject
            {
                ["p50"] = Ratio(a["p50"], b["p50"]),
                ["p95"] = Ratio(a["p95"], b["p95"]),
                ["p99"] = Ratio(a["p99"], b["p99"]),
                ["updatesPerSecond"] = Ratio(a["updatesPerSecond"], b["updatesPerSecond"]),
                ["serverCpuSeconds"] = Ratio(a["serverCpuSeconds"], b["serverCpuSeconds"]),
                ["serverRssMiBPeak"] = Ratio(a["serverRssMiBPeak"], b["serverRssMiBPeak"]),
            };
        }
        if (Ratios(Servers.Vibe) is { } ratio)
            summary["ratio"] = ratio;
        if (Ratios(Servers.Control) is { } control)
            summary["controlRatio"] = control;
        Console.WriteLine(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    /// <summary>One server's rounds as one result: percentiles over all deliveries, the rest averaged or summed.</summary>
    static JsonObject Pool(string label, IReadOnlyList<JsonObject> rounds)
    {
        var latencies = rounds.SelectMany(r => r["latencies"]?.AsArray().Select(v => v!.GetValue<double>()) ?? []).Order().ToArray();
        double? Percentile(double q) => latencies.Length == 0 ? null : Math.Round(latencies[Math.Min(latencies.Length - 1, (int)Math.Floor(q * latencies.Length))], 2);
        double Mean(string key) => Math.Round(rounds.Average(r => r[key]!.GetValue<double>()), 2);
        double Sum(string key) => rounds.Sum(r => r[key]!.GetValue<double>());
        return new JsonObject
        {
            ["label"] = label,
            ["rounds"] = rounds.Count,
            ["sent"] = Sum("sent"),
            ["deliveries"] = Sum("deliveries"),
            ["expectedDeliveries"] = Sum("expectedDeliveries"),
            ["updatesPerSecond"] = Mean("updatesPerSecond"),
            ["deliveriesPerSecond"] = Mean("deliveriesPerSecond"),
            ["p50"] = Percentile(0.5),
            ["p95"] = Percentile(0.95),
            ["p99"] = Percentile(0.99),
            ["max"] = latencies.Length == 0 ? null : Math.Round(latencies[^1], 2),
            ["converged"] = rounds.All(r => r["converged"]?.GetValue<bool>() == true),
            ["serverCpuSeconds"] = Mean("serverCpuSeconds"),
            ["serverCpuPercent"] = Mean("serverCpuPercent"),
            ["serverRssMiBPeak"] = rounds.Max(r => r["serverRssMiBPeak"]!.GetValue<double>()),
        };
    }
}
