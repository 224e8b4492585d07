using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Vibe.Collab.Bench;
using Vibe.Testing;
using Vibe.Preview.Bench;

// Live preview benchmark (issue 5): keystroke-to-screen and cold start of a new `react` project, Vibe's preview
// against Vite's dev server on the same app and the same edits, in the same headless Chromium.
// Usage: dotnet bench/Preview.Bench/bin/Release/net10.0/Vibe.Preview.Bench.dll [--edits 100]
var edits = args.Length > 1 && args[0] == "--edits" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
const int WarmUp = 3;
const string Heading = "Hello from Vibe";
var root = Repo.Root();
var template = Path.Combine(root, "src", "Grains", "Projects", "Templates", "react");
var peer = Path.Combine(root, "bench", "preview");
var web = Path.Combine(root, "src", "Web", "bin", "Release", "net10.0", "Vibe.Web.dll");
if (!File.Exists(web))
{
    Console.Error.WriteLine($"{web} is missing: dotnet build -c Release bench/Preview.Bench");
    return 2;
}
var original = await File.ReadAllTextAsync(Path.Combine(template, "src", "App.tsx"));
var work = Path.Combine(Path.GetTempPath(), "vibe-preview-bench-" + Guid.NewGuid().ToString("N")[..8]);
var npmCache = Path.Combine(work, "npm-cache");
Directory.CreateDirectory(work);

// Both sides install from the same npm cache, warmed first, so neither cold start measures the network.
Console.Error.WriteLine("warming the npm cache…");
var warmTemplate = CopyApp(template, Path.Combine(work, "warm-template"));
await NpmAsync(warmTemplate, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", npmCache);
var warmVite = Path.Combine(work, "warm-vite");
Directory.CreateDirectory(warmVite);
foreach (var f in new[] { "package.json", "package-lock.json" })
    File.Copy(Path.Combine(peer, f), Path.Combine(warmVite, f));
await NpmAsync(warmVite, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", npmCache);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
async Task<IPage> FreshPageAsync() => await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1000, Height = 700 } })).NewPageAsync();

var result = new JsonObject { ["benchmark"] = "preview-keystroke-to-screen", ["edits"] = edits };

// ---- Vibe: a real node on a fresh data directory; the project is made and edited over REST ----
{
    var ide = $"http://127.0.0.1:{FreePorts.Next()}";
    var previewOrigin = $"http://127.0.0.1:{FreePorts.Next()}";
    using var vibe = ServerProcess.Start("vibe", "dotnet", [web, $"--urls={ide}", $"--Vibe:DataDir={Path.Combine(work, "vibe-data")}",
        $"--Vibe:SiloPort={FreePorts.Next()}", $"--Vibe:GatewayPort={FreePorts.Next()}", $"--Vibe:PreviewUrl={previewOrigin}", $"--Vibe:NpmCacheDir={npmCache}"],
        new() { ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_ENVIRONMENT"] = "Production" });
    var (api, _) = await VibeSession.SignInAsync(ide, vibe);
    using var apiClient = api;

    Console.Error.WriteLine("vibe: cold start…");
    var page = await FreshPageAsync();
    var clock = Stopwatch.StartNew();
    var project = (string)(await (await api.PostAsJsonAsync("/api/projects", new { name = "Bench", template = "react" }))
        .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    var preview = await (await api.GetAsync($"/api/projects/{project}/preview")).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
    await Screen.GotoAsync(page, (string)preview!["url"]!, TimeSpan.FromMinutes(1));
    await Screen.WaitForHeadingAsync(page, Heading, TimeSpan.FromMinutes(5));
    var cold = clock.Elapsed;

    Console.Error.WriteLine($"vibe: {edits} edits…");
    var latencies = await Screen.MeasureAsync(page, original, Heading,
        async text => (await api.PutAsync($"/api/projects/{project}/files/src/App.tsx", new StringContent(text))).EnsureSuccessStatusCode(),
        edits, WarmUp, "vibe");
    result["vibe"] = Summary(latencies, cold, null);
}

// ---- Vite: the same files with vite + @vitejs/plugin-react (bench/preview's lock), edits written to disk ----
{
    var app = CopyApp(template, Path.Combine(work, "vite-app"));
    foreach (var f in new[] { "package.json", "package-lock.json" })
        File.Copy(Path.Combine(peer, f), Path.Combine(app, f), overwrite: true);
    await File.WriteAllTextAsync(Path.Combine(app, "vite.config.mjs"),
        "import react from \"@vitejs/plugin-react\";\nexport default { plugins: [react()], logLevel: \"warn\", clearScreen: false };\n");

    // Cold start as Vibe does it: install the dependencies (same npm cache, the lock file honoured; `npm ci`
    // refuses locks written by npm 11, which leave out other platforms' optional packages), start, first paint.
    Console.Error.WriteLine("vite: cold start with npm install…");
    var clock = Stopwatch.StartNew();
    await NpmAsync(app, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", npmCache);
    TimeSpan coldWithInstall;
    using (var first = StartVite(app, out var url))
    {
        var page = await FreshPageAsync();
        await Screen.GotoAsync(page, url, TimeSpan.FromMinutes(1));
        await Screen.WaitForHeadingAsync(page, Heading, TimeSpan.FromMinutes(5));
        coldWithInstall = clock.Elapsed;
        await page.Context.CloseAsync();
    }

    // Cold start with the dependencies installed and a fresh Vite cache (node_modules/.vite removed).
    Console.Error.WriteLine("vite: cold start, fresh cache…");
    Directory.Delete(Path.Combine(app, "node_modules", ".vite"), recursive: true);
    clock.Restart();
    using var vite = StartVite(app, out var viteUrl);
    var viewer = await FreshPageAsync();
    await Screen.GotoAsync(viewer, viteUrl, TimeSpan.FromMinutes(1));
    await Screen.WaitForHeadingAsync(viewer, Heading, TimeSpan.FromMinutes(5));
    var cold = clock.Elapsed;

    Console.Error.WriteLine($"vite: {edits} edits…");
    var appFile = Path.Combine(app, "src", "App.tsx");
    var latencies = await Screen.MeasureAsync(viewer, original, Heading, text => File.WriteAllTextAsync(appFile, text), edits, WarmUp, "vite");
    result["vite"] = Summary(latencies, cold, coldWithInstall);
}

var vibeP50 = result["vibe"]!["p50"]!.GetValue<double>();
var viteP50 = result["vite"]!["p50"]!.GetValue<double>();
result["ratio"] = new JsonObject
{
    ["p50"] = Math.Round(vibeP50 / viteP50, 2),
    ["p95"] = Math.Round(result["vibe"]!["p95"]!.GetValue<double>() / result["vite"]!["p95"]!.GetValue<double>(), 2),
};
result["vibeP50AtMostVite"] = vibeP50 <= viteP50;

Console.WriteLine($"Live preview, react template: {edits} edits of the heading (after {WarmUp} warm-up), edit sent → new text in Chromium's DOM");
Console.WriteLine($"{"server",-28} {"p50 ms",8} {"p95 ms",8} {"max ms",8} {"mean ms",8} {"cold start s",13} {"with npm s",11}");
foreach (var name in new[] { "vibe", "vite" })
{
    var r = result[name]!;
    Console.WriteLine($"{(name == "vite" ? "vite 7.3.8 + plugin-react 5.2.0" : "vibe"),-28} {r["p50"],8} {r["p95"],8} {r["max"],8} {r["mean"],8} {r["coldStartS"],13} {r["coldStartWithInstallS"] ?? r["coldStartS"],11}");
}
Console.WriteLine(result.ToJsonString());
try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
return 0;

static JsonObject Summary(List<double> latencies, TimeSpan cold, TimeSpan? coldWithInstall) => new()
{
    ["p50"] = Screen.Percentile(latencies, 50),
    ["p95"] = Screen.Percentile(latencies, 95),
    ["max"] = Math.Round(latencies.Max(), 1),
    ["mean"] = Math.Round(latencies.Average(), 1),
    ["coldStartS"] = Math.Round(cold.TotalSeconds, 2),
    ["coldStartWithInstallS"] = coldWithInstall is { } c ? Math.Round(c.TotalSeconds, 2) : null,
};

static string CopyApp(string from, string to)
{
    foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
    {
        var target = Path.Combine(to, Path.GetRelativePath(from, file));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(file, target, overwrite: true);
    }
    return to;
}

static async Task NpmAsync(string dir, params string[] args)
{
    var info = new ProcessStartInfo("npm") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in args)
        info.ArgumentList.Add(a);
    using var npm = Process.Start(info)!;
    var output = npm.StandardOutput.ReadToEndAsync();
    var errors = npm.StandardError.ReadToEndAsync();
    using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    await npm.WaitForExitAsync(deadline.Token);
    if (npm.ExitCode != 0)
        throw new InvalidOperationException($"npm {string.Join(' ', args)} in {dir} failed ({npm.ExitCode}):\n{await output}\n{await errors}");
}

static ServerProcess StartVite(string app, out string url)
{
    var port = FreePorts.Next();
    url = $"http://127.0.0.1:{port}/";
    var viteBin = Path.Combine(app, "node_modules", "vite", "bin", "vite.js");
    return ServerProcess.Start("vite", "node", [viteBin, app, "--port", port.ToString(CultureInfo.InvariantCulture), "--strictPort", "--host", "127.0.0.1"],
        new() { ["NODE_ENV"] = "development" });
}
