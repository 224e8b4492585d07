using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vibe.Crdt;

namespace Vibe.Crdt.Bench;

/// <summary>
/// B4: replays the automerge-paper editing trace (one transaction per trace transaction) in Vibe.Crdt and, in the
/// same run, in yjs under node; prints a table and one JSON line with both and the Vibe/yjs ratios.
/// Usage: dotnet run -c Release --project bench/Crdt.Bench [-- --runs N] [--trace PATH]
/// </summary>
internal static class Program
{
    private sealed record Patch(int Position, int Delete, string Insert);

    private static int Main(string[] args)
    {
        var runs = 5;
        string? tracePath = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--trace") tracePath = args[++i];
        }
        var root = RepoRoot();
        tracePath ??= Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "crdt", "automerge-paper.json.gz"));
        var (txns, endContent) = Load(tracePath);

        Console.Error.WriteLine($"replaying {txns.Count} transactions in Vibe.Crdt ({runs} runs + warm-up)...");
        var vibe = RunVibe(txns, endContent, runs);
        Console.Error.WriteLine("replaying in yjs under node...");
        var yjs = RunYjs(root, tracePath, runs);

        var ratio = new JsonObject
        {
            ["apply"] = Round(D(vibe["applyMs"]) / D(yjs["applyMs"])),
            ["decode"] = Round(D(vibe["decodeMs"]) / D(yjs["decodeMs"])),
            ["v1Bytes"] = Round(D(vibe["v1Bytes"]) / D(yjs["v1Bytes"])),
            ["v2Bytes"] = Round(D(vibe["v2Bytes"]) / D(yjs["v2Bytes"])),
            ["heapBytes"] = Round(D(vibe["heapBytes"]) / D(yjs["heapBytes"])),
        };
        var sameBytes = vibe["v1Sha256"]!.GetValue<string>() == yjs["v1Sha256"]?.GetValue<string>();

        Console.WriteLine($"B4 automerge-paper: {vibe["txns"]} transactions, {vibe["ops"]} patches, median of {runs} runs after one warm-up");
        Console.WriteLine($"{"metric",-22}{"Vibe.Crdt",16}{"yjs " + yjs["version"],16}{"Vibe/yjs",10}");
        Row("apply (ms)", vibe["applyMs"], yjs["applyMs"], ratio["apply"]);
        Row("decode v1 (ms)", vibe["decodeMs"], yjs["decodeMs"], ratio["decode"]);
        Row("update v1 (bytes)", vibe["v1Bytes"], yjs["v1Bytes"], ratio["v1Bytes"]);
        Row("update v2 (bytes)", vibe["v2Bytes"], yjs["v2Bytes"], ratio["v2Bytes"]);
        Row("heap after (bytes)", vibe["heapBytes"], yjs["heapBytes"], ratio["heapBytes"]);
        Row("peak RSS (bytes)", vibe["peakRssBytes"], yjs["peakRssBytes"], null);
        Console.WriteLine($"final text matches: Vibe {vibe["ok"]}, yjs {yjs["ok"]}; identical v1 update bytes: {sameBytes}");
        var line = new JsonObject
        {
            ["bench"] = "crdt-b4",
            ["runs"] = runs,
            ["vibe"] = vibe,
            ["yjs"] = yjs,
            ["ratio"] = ratio,
            ["identicalV1"] = sameBytes,
        };
        Console.WriteLine(line.ToJsonString());
        var pass = vibe["ok"]!.GetValue<bool>() && yjs["ok"]!.GetValue<bool>();
        return pass ? 0 : 1;
    }

    private static void Row(string name, JsonNode? a, JsonNode? b, JsonNode? r) =>
        Console.WriteLine($"{name,-22}{a?.ToJsonString(),16}{b?.ToJsonString(),16}{r?.ToJsonString() ?? "",10}");

    private static double Round(double d) => Math.Round(d, 3);

    private static double D(JsonNode? n) => double.Parse(n!.ToJsonString(), CultureInfo.InvariantCulture);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Vibe.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Vibe.sln not found above " + AppContext.BaseDirectory);
    }

    private static (List<Patch[]> Txns, string EndContent) Load(string path)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gz);
        var txns = new List<Patch[]>();
        foreach (var t in json.RootElement.GetProperty("txns").EnumerateArray())
        {
            txns.Add(t.GetProperty("patches").EnumerateArray().Select(p => new Patch(p[0].GetInt32(), p[1].GetInt32(), p[2].GetString() ?? "")).ToArray());
        }
        return (txns, json.RootElement.GetProperty("endContent").GetString()!);
    }

    private static Doc Replay(List<Patch[]> txns)
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        var text = doc.GetText("text");
        foreach (var patches in txns)
        {
            doc.Transact(_ =>
            {
                foreach (var p in patches)
                {
                    if (p.Delete > 0) text.Delete(p.Position, p.Delete);
                    if (p.Insert.Length > 0) text.Insert(p.Position, p.Insert);
                }
            });
        }
        return doc;
    }

    private static double Median(List<double> xs)
    {
        xs.Sort();
        return xs[xs.Count / 2];
    }

    private static JsonObject RunVibe(List<Patch[]> txns, string endContent, int runs)
    {
        var apply = new List<double>();
        Doc? doc = null;
        long heapBase = 0;
        for (var i = 0; i <= runs; i++)
        {
            doc = null;
            GC.Collect(2, GCCollectionMode.Forced, true, true);
            GC.WaitForPendingFinalizers();
            heapBase = GC.GetTotalMemory(true);
            var sw = Stopwatch.StartNew();
            doc = Replay(txns);
            var ms = sw.Elapsed.TotalMilliseconds;
            if (i > 0) apply.Add(ms);
        }
        var heap = GC.GetTotalMemory(true) - heapBase;
        var ok = doc!.GetText("text").ToString() == endContent;
        var v1 = Y.EncodeStateAsUpdate(doc);
        var v2 = Y.EncodeStateAsUpdateV2(doc);
        var decode = new List<double>();
        for (var i = 0; i <= runs; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, true, true);
            var sw = Stopwatch.StartNew();
            var fresh = new Doc();
            Y.ApplyUpdate(fresh, v1);
            var ms = sw.Elapsed.TotalMilliseconds;
            if (i > 0) decode.Add(ms);
            if (fresh.GetText("text").Length != endContent.Length) throw new InvalidOperationException("decoded text differs");
        }
        using var process = Process.GetCurrentProcess();
        return new JsonObject
        {
            ["engine"] = "Vibe.Crdt",
            ["runtime"] = Environment.Version.ToString(),
            ["ops"] = txns.Sum(t => t.Length),
            ["txns"] = txns.Count,
            ["applyMs"] = Round(Median(apply)),
            ["decodeMs"] = Round(Median(decode)),
            ["v1Bytes"] = v1.Length,
            ["v2Bytes"] = v2.Length,
            ["heapBytes"] = heap,
            ["peakRssBytes"] = process.PeakWorkingSet64,
            ["ok"] = ok,
            ["v1Sha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(v1)),
        };
    }

    private static JsonObject RunYjs(string root, string tracePath, int runs)
    {
        var script = Path.Combine(root, "bench", "crdt", "yjs-b4.mjs");
        if (!Directory.Exists(Path.Combine(root, "tests", "interop", "node_modules", "yjs")))
            throw new InvalidOperationException("yjs is not installed: run `npm ci` in tests/interop");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--expose-gc");
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(tracePath);
        start.ArgumentList.Add(runs.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--sha");
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = node.StandardError.ReadToEndAsync();
        var stdout = node.StandardOutput.ReadToEnd();
        node.WaitForExit();
        if (node.ExitCode != 0) throw new InvalidOperationException("yjs replay failed: " + stderr.Result);
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        return JsonNode.Parse(last)!.AsObject();
    }
}
