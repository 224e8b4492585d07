using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Vibe.Testing;

namespace Vibe.E2E.Tests.Server;

/// <summary>One real Vibe.Web process in embedded mode (its own silo, temp data dir), shared by a test class.</summary>
public sealed class VibeServer : IAsyncLifetime
{
    private static readonly TimeSpan StartupDeadline = TimeSpan.FromSeconds(90);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "vibe-e2e-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The preview origin (<c>Vibe:PreviewUrl</c>): same host as the IDE, its own port.</summary>
    public Uri PreviewAddress { get; private set; } = new("http://127.0.0.1/");

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The server's recent output, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output.TakeLast(60));

    public async Task InitializeAsync()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var webDir = Path.Combine(RepositoryRoot, "src", "Web");
        var dll = Path.Combine(webDir, "bin", configuration, "net10.0", "Vibe.Web.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Vibe.Web is not built for {configuration}", dll);
        if (!Directory.Exists(Path.Combine(webDir, "wwwroot", "app")))
            throw new InvalidOperationException("The client bundle wwwroot/app is missing; build src/Web first.");

        var httpPort = FreePorts.Next();
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        PreviewAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        Directory.CreateDirectory(_dataDir);

        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the working directory, so wwwroot (with the bundled client) is served.
            WorkingDirectory = webDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     dll, "--urls", BaseAddress.ToString().TrimEnd('/'), $"--Vibe:DataDir={_dataDir}",
                     $"--Vibe:SiloPort={siloPort}", $"--Vibe:GatewayPort={gatewayPort}",
                     $"--Vibe:PreviewUrl={PreviewAddress.ToString().TrimEnd('/')}",
                 })
            start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitUntilReadyAsync();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { /* a leftover temp dir is harmless */ }
        return Task.CompletedTask;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(StartupDeadline);
        while (true)
        {
            if (_process!.HasExited)
                throw new InvalidOperationException($"Vibe.Web exited with {_process.ExitCode}:\n{RecentOutput}");
            try
            {
                using var response = await http.GetAsync("health/ready", deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested) { /* one slow probe */ }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Vibe.Web not ready within {StartupDeadline}:\n{RecentOutput}");
            }
            try { await Task.Delay(200, deadline.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Vibe.Web not ready within {StartupDeadline}:\n{RecentOutput}");
            }
        }
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 500) _output.TryDequeue(out _);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vibe.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("No Vibe.sln above " + AppContext.BaseDirectory);
    }
}
