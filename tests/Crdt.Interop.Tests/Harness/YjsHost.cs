using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Vibe.Crdt.Interop.Tests.Harness;

/// <summary>One node process running tests/interop/yjs-peer.mjs; requests and responses are JSON lines.</summary>
public sealed class YjsHost : IDisposable
{
    private static readonly TimeSpan ResponseDeadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();

    public YjsHost()
    {
        var script = RepoLayout.YjsPeerScript;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        start.ArgumentList.Add(script);
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("`node` (20 or later) must be on PATH for the yjs interop tests", e);
        }
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (_stderr) _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
        var pong = Call(new JsonObject { ["cmd"] = "ping" });
        if (pong?.GetValue<string>() != "pong") throw new InvalidOperationException("yjs peer did not answer ping");
    }

    /// <summary>Sends one request and returns its result; a failed request throws <see cref="YjsException"/>.</summary>
    public JsonNode? Call(JsonObject request)
    {
        lock (_gate)
        {
            _process.StandardInput.WriteLine(request.ToJsonString());
            _process.StandardInput.Flush();
            var read = _process.StandardOutput.ReadLineAsync();
            if (!read.Wait(ResponseDeadline)) throw new TimeoutException("yjs peer did not answer within " + ResponseDeadline + ": " + Stderr);
            var line = read.Result ?? throw new InvalidOperationException("yjs peer exited: " + Stderr);
            var response = JsonNode.Parse(line)!.AsObject();
            if (response["ok"]!.GetValue<bool>()) return response["result"];
            throw new YjsException(response["error"]?.GetValue<string>() ?? "unknown error");
        }
    }

    public byte[] CallBytes(JsonObject request) => Convert.FromBase64String(Call(request)!.GetValue<string>());

    public byte[] Merge(IReadOnlyList<byte[]> updates, bool v2 = false)
    {
        var arr = new JsonArray();
        foreach (var u in updates) arr.Add(Convert.ToBase64String(u));
        return CallBytes(new JsonObject { ["cmd"] = "merge", ["updates"] = arr, ["v2"] = v2 });
    }

    public byte[] ToV2(byte[] v1) => CallBytes(new JsonObject { ["cmd"] = "toV2", ["update"] = Convert.ToBase64String(v1) });

    public byte[] ToV1(byte[] v2) => CallBytes(new JsonObject { ["cmd"] = "toV1", ["update"] = Convert.ToBase64String(v2) });

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}

/// <summary>yjs threw while handling a request.</summary>
public sealed class YjsException(string message) : Exception(message);
