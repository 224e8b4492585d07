using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Vibe.Collab.Tests;

/// <summary>
/// A node script from tests/e2e run as a child process; each stdout line is one JSON object, read with a deadline.
/// The npm packages come from <c>npm ci</c> in tests/e2e (test.sh does it).
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    readonly Process _process;
    readonly Channel<JsonElement> _lines = Channel.CreateUnbounded<JsonElement>();
    readonly StringBuilder _log = new();

    NodeScript(Process process) => _process = process;

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>The log with each line cut to a few hundred characters, so a failure message shows every step.</summary>
    string ShortLog =>
        string.Join('\n', Log.Split('\n').Select(l => l.Length <= 300 ? l : l[..300] + $"… ({l.Length} chars)"));

    public static string E2eDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vibe.sln")))
                dir = dir.Parent;
            if (dir is null)
                throw new InvalidOperationException("Vibe.sln not found above " + AppContext.BaseDirectory);
            return Path.Combine(dir.FullName, "tests", "e2e");
        }
    }

    public static NodeScript Start(string script, params string[] args)
    {
        var directory = E2eDirectory;
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "y-websocket")))
            throw new InvalidOperationException($"Run `npm ci` in {directory} first (test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var node = new NodeScript(process);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append("stderr: " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    void OnLine(string? line)
    {
        // The end of stdout, not the Exited event, ends the lines: Exited can be raised before the last lines
        // (a "done" or "failed" printed just before process.exit) have been read, and they would be lost.
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }
        Append(line);
        if (line.StartsWith('{'))
        {
            try
            {
                _lines.Writer.TryWrite(JsonDocument.Parse(line).RootElement.Clone());
            }
            catch (JsonException)
            {
            }
        }
    }

    void Append(string? line)
    {
        lock (_log)
            _log.AppendLine(line);
    }

    /// <summary>The next JSON line whose "step" is <paramref name="step"/>; fails on a "failed" line, exit or deadline.</summary>
    public async Task<JsonElement> ExpectAsync(string step, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                var got = line.GetProperty("step").GetString();
                if (got == step)
                    return line;
                if (got == "failed")
                    throw new Xunit.Sdk.XunitException($"the script failed before '{step}':\n{ShortLog}");
            }
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no '{step}' within {deadline}:\n{ShortLog}");
        }
        catch (ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"the script exited before '{step}':\n{ShortLog}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
