using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vibe.Grains.Preview;

/// <summary>The worker failed a request: it timed out, died, or answered more than the limits allow.</summary>
public sealed class DevWorkerException(string message) : Exception(message);

/// <summary>
/// The C# end of the preview worker (docs/preview.md, "Worker protocol"): one <c>node worker.mjs</c> per
/// running preview, JSON lines over stdin/stdout, requests matched to answers by id so many can be in
/// flight. A request that takes too long kills the process (a stuck esbuild must not hold the preview);
/// the next request starts a fresh one. The process dying is
/// reported through <see cref="Exited"/>, never thrown at the silo.
/// </summary>
public sealed class DevWorker : IAsyncDisposable
{
    /// <summary>Longest line the worker may write: an 8 MiB module, JSON-escaped, with room to spare.</summary>
    public const int MaxLineChars = 32 * 1024 * 1024;

    readonly string _script;
    readonly string _workingDirectory;
    readonly Action<string> _log;
    readonly string _node;
    readonly SemaphoreSlim _startLock = new(1, 1);
    Session? _session;
    bool _disposed;

    public DevWorker(string script, string workingDirectory, Action<string> log, string node = "node")
    {
        _script = script;
        _workingDirectory = workingDirectory;
        _log = log;
        _node = node;
    }

    /// <summary>The process ended without being asked to (crash, OOM kill); the argument says why.</summary>
    public event Action<string>? Exited;

    public bool IsRunning => _session is { Usable: true };

    /// <summary>Sends one request (its <c>id</c> is set here) and returns the answer; throws <see cref="DevWorkerException"/> on failure.</summary>
    public async Task<JsonElement> RequestAsync(JsonObject request, TimeSpan timeout, CancellationToken ct = default)
    {
        var session = await EnsureStartedAsync(ct);
        return await session.SendAsync(request, timeout, ct);
    }

    async Task<Session> EnsureStartedAsync(CancellationToken ct)
    {
        if (_session is { Usable: true } running)
            return running;
        await _startLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is { Usable: true } current)
                return current;
            if (!File.Exists(_script))
                throw new DevWorkerException($"The preview toolchain is missing: {_script} does not exist.");
            _session = Session.Start(this);
            return _session;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Kills the process (if any); the next request starts a new one.</summary>
    public void Stop() => _session?.Kill("stopped");

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        Stop();
        return ValueTask.CompletedTask;
    }

    /// <summary>One process and the requests in flight on it; killing it fails exactly those.</summary>
    sealed class Session
    {
        readonly DevWorker _owner;
        readonly Process _process;
        readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
        readonly SemaphoreSlim _writeLock = new(1, 1);
        readonly Queue<string> _lastErrors = new();
        long _nextId;
        string? _killedBecause;

        Session(DevWorker owner, Process process)
        {
            _owner = owner;
            _process = process;
        }

        public bool Ended { get; private set; }

        /// <summary>Neither ended nor being killed: a killed process may still drain, but takes no new requests.</summary>
        public bool Usable => !Ended && _killedBecause is null;

        public static Session Start(DevWorker owner)
        {
            var info = new ProcessStartInfo(owner._node)
            {
                WorkingDirectory = owner._workingDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                StandardInputEncoding = new UTF8Encoding(false),
            };
            info.ArgumentList.Add(owner._script);
            info.Environment["NODE_ENV"] = "development";
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new DevWorkerException("node did not start.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new DevWorkerException($"Cannot start node for the preview worker: {e.Message}");
            }
            var session = new Session(owner, process);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                    return;
                lock (session._lastErrors)
                {
                    session._lastErrors.Enqueue(e.Data);
                    if (session._lastErrors.Count > 20)
                        session._lastErrors.Dequeue();
                }
                owner._log("[worker] " + e.Data);
            };
            process.BeginErrorReadLine();
            _ = Task.Run(session.ReadLoopAsync);
            return session;
        }

        public async Task<JsonElement> SendAsync(JsonObject request, TimeSpan timeout, CancellationToken ct)
        {
            if (!Usable)
                throw new DevWorkerException(_killedBecause ?? "The preview worker is not running.");
            var id = Interlocked.Increment(ref _nextId);
            request["id"] = id;
            var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending[id] = answer;
            try
            {
                var line = request.ToJsonString();
                await _writeLock.WaitAsync(ct);
                try
                {
                    await _process.StandardInput.WriteLineAsync(line.AsMemory(), ct);
                    await _process.StandardInput.FlushAsync(ct);
                }
                catch (IOException e)
                {
                    throw new DevWorkerException($"The preview worker stopped reading: {e.Message}");
                }
                finally
                {
                    _writeLock.Release();
                }
                try
                {
                    return await answer.Task.WaitAsync(timeout, ct);
                }
                catch (TimeoutException)
                {
                    var op = request["op"]?.GetValue<string>() ?? "request";
                    var what = request["path"]?.GetValue<string>() is { } path ? $" of {path}" : "";
                    var message = $"The preview worker did not answer the {op}{what} within {timeout.TotalSeconds:0} s; it was restarted.";
                    Kill(message);
                    throw new DevWorkerException(message);
                }
            }
            finally
            {
                _pending.TryRemove(id, out _);
            }
        }

        async Task ReadLoopAsync()
        {
            var reader = _process.StandardOutput;
            var buffer = new char[64 * 1024];
            var line = new StringBuilder();
            try
            {
                while (true)
                {
                    var n = await reader.ReadAsync(buffer);
                    if (n == 0)
                        break;
                    var start = 0;
                    for (var i = 0; i < n; i++)
                    {
                        if (buffer[i] != '\n')
                            continue;
                        line.Append(buffer, start, i - start);
                        Dispatch(line.ToString());
                        line.Clear();
                        start = i + 1;
                    }
                    line.Append(buffer, start, n - start);
                    if (line.Length > MaxLineChars)
                    {
                        Kill($"The preview worker wrote an answer over {MaxLineChars / (1024 * 1024)} MiB; it was restarted.");
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The pipe closed under us: the process is gone, handled below.
            }
            OnEnded();
        }

        void Dispatch(string line)
        {
            if (line.Length == 0)
                return;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("id", out var idElement)
                    && idElement.TryGetInt64(out var id)
                    && _pending.TryGetValue(id, out var answer))
                {
                    answer.TrySetResult(doc.RootElement.Clone());
                    return;
                }
            }
            catch (JsonException)
            {
                // Not protocol: stray console output of a plugin or of node itself.
            }
            _owner._log("[worker] " + (line.Length > 500 ? line[..500] + "…" : line));
        }

        void OnEnded()
        {
            if (Ended)
                return;
            Ended = true;
            string reason;
            if (_killedBecause is not null)
            {
                reason = _killedBecause;
            }
            else
            {
                try
                {
                    _process.WaitForExit(2000);
                }
                catch (InvalidOperationException)
                {
                }
                string tail;
                lock (_lastErrors)
                    tail = string.Join("\n", _lastErrors);
                var code = _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
                reason = $"The preview worker exited (code {code})" + (tail.Length > 0 ? ": " + tail : ".");
            }
            foreach (var (_, answer) in _pending)
                answer.TrySetException(new DevWorkerException(reason));
            _process.Dispose();
            if (_killedBecause is null)
                _owner.Exited?.Invoke(reason);
        }

        public void Kill(string reason)
        {
            _killedBecause ??= reason;
            try
            {
                if (!_process.HasExited)
                    _process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Already gone.
            }
            foreach (var (_, answer) in _pending)
                answer.TrySetException(new DevWorkerException(reason));
        }
    }
}
