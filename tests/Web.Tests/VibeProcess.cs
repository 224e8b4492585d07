using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Vibe.Grains.Identity;
using Vibe.Testing;

namespace Vibe.Web.Tests;

/// <summary>
/// A real Vibe node: <c>dotnet Vibe.Web.dll</c> in its own process on a real port, embedded mode on
/// <see cref="DataDir"/>. Each start takes fresh ports, so a restart never waits for the old sockets.
/// </summary>
public sealed class VibeProcess : IAsyncDisposable
{
    static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(60);

    readonly Process _process;
    readonly StringBuilder _output = new();

    VibeProcess(Process process, string dataDir, Uri baseAddress)
    {
        _process = process;
        DataDir = dataDir;
        BaseAddress = baseAddress;
    }

    public string DataDir { get; }
    public Uri BaseAddress { get; }
    public int Id => _process.Id;

    /// <summary>What the node wrote to stdout and stderr so far, for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    static string WebDll => Path.Combine(AppContext.BaseDirectory, "Vibe.Web.dll");

    /// <summary>
    /// Starts a node and waits until it is ready. A free port can be taken by someone else before the node
    /// binds it, so a start that fails with "address already in use" is tried again on other ports.
    /// </summary>
    public static async Task<VibeProcess> StartAsync(string dataDir, CancellationToken ct = default, string? workingDirectory = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(dataDir, workingDirectory ?? AppContext.BaseDirectory, ct);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    sealed class PortTakenException(string message) : Exception(message);

    static async Task<VibeProcess> StartOnceAsync(string dataDir, string workingDirectory, CancellationToken ct)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            WebDll,
            "--urls", $"http://127.0.0.1:{port}",
            $"--Vibe:DataDir={dataDir}",
            $"--Vibe:SiloPort={FreePorts.Next()}",
            $"--Vibe:GatewayPort={FreePorts.Next()}",
            $"--Vibe:PreviewUrl=http://127.0.0.1:{FreePorts.Next()}",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var process = new Process { StartInfo = start };
        var node = new VibeProcess(process, dataDir, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilReadyAsync(ct);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(StartDeadline);
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(ct); // drains the output readers
                if (Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                    throw new PortTakenException(Output);
                throw new InvalidOperationException($"Vibe exited with {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                using var ready = await http.GetAsync("/health/ready", deadline.Token);
                if (ready.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Vibe was not ready within {StartDeadline.TotalSeconds} s:\n{Output}");
            }
            try
            {
                // The poll interval between readiness probes, bounded by the deadline above.
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Vibe was not ready within {StartDeadline.TotalSeconds} s:\n{Output}");
            }
        }
    }

    /// <summary>A client that signs every request with NIP-98 as <paramref name="user"/>.</summary>
    public HttpClient SignedClient(NostrEventSigner user) =>
        new(new Nip98Handler(user) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = BaseAddress };

    /// <summary>Signs in with NIP-98 and returns a client that sends the session token.</summary>
    public async Task<(HttpClient Client, string Token)> SessionClientAsync(NostrEventSigner user)
    {
        using var signed = SignedClient(user);
        using var response = await signed.PostAsync("/api/auth/session", null);
        Assert.True(response.IsSuccessStatusCode, $"sign-in: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var token = (await response.Content.ReadFromJsonAsync<SessionBody>())!.Token;
        return (BearerClient(token), token);
    }

    public HttpClient BearerClient(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Asks the node to shut down (SIGTERM, as systemd or Docker would) and waits for it to exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])!)
            await kill.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(StopDeadline);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Vibe did not exit within {StopDeadline.TotalSeconds} s of SIGTERM:\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the node with SIGKILL: no shutdown code runs at all.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            await KillAsync();
        _process.Dispose();
    }
}
