using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Tomlyn;
using Tomlyn.Model;

namespace Vibe.Grains.Preview;

/// <summary>How an install went: <see cref="Ran"/> is false when package.json and the lock were unchanged.</summary>
public sealed record InstallResult(bool Ok, bool Ran, string? Error, TimeSpan Took);

/// <summary>
/// Installs a preview's npm dependencies: <c>npm ci</c> when a lock file pins them, else <c>npm install</c>;
/// package scripts off unless vibe.toml says <c>[preview] scripts = true</c> (a project's postinstall must
/// not run on the silo by default); one npm cache for the machine; a time-out that kills npm and its
/// children. It runs again only when package.json or the lock changed since the last good install.
/// </summary>
public sealed class PackageInstaller(string npm = "npm")
{
    static readonly string[] LockFiles = ["package-lock.json", "npm-shrinkwrap.json"];
    static readonly ConcurrentDictionary<string, SemaphoreSlim> Running = new(StringComparer.Ordinal);

    /// <summary>Where the hash of the last good install's inputs is kept, beside the pre-bundled deps.</summary>
    public static string StampPath(string workDir) => Path.Combine(workDir, ".vibe", "install.sha256");

    /// <summary>The hash of package.json and the lock file, or null when there is no package.json (nothing to install).</summary>
    public static string? InputsHash(string workDir)
    {
        var manifest = Path.Combine(workDir, "package.json");
        if (!File.Exists(manifest))
            return null;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in new[] { "package.json" }.Concat(LockFiles))
        {
            var file = Path.Combine(workDir, name);
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            if (File.Exists(file))
                sha.AppendData(File.ReadAllBytes(file));
            sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Whether vibe.toml turns package scripts on (<c>[preview] scripts = true</c>); a broken vibe.toml leaves them off.</summary>
    public static bool ScriptsAllowed(string workDir, Action<string>? log = null)
    {
        var file = Path.Combine(workDir, "vibe.toml");
        if (!File.Exists(file))
            return false;
        try
        {
            var model = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(file));
            return model is not null
                && model.TryGetValue("preview", out var preview) && preview is TomlTable table
                && table.TryGetValue("scripts", out var scripts) && scripts is true;
        }
        catch (Exception e)
        {
            log?.Invoke($"vibe.toml could not be read ({e.Message}); package scripts stay off.");
            return false;
        }
    }

    /// <summary>True when node_modules matches package.json and the lock (nothing to do).</summary>
    public static bool IsCurrent(string workDir) =>
        InputsHash(workDir) is not { } hash
        || (Directory.Exists(Path.Combine(workDir, "node_modules"))
            && File.Exists(StampPath(workDir))
            && File.ReadAllText(StampPath(workDir)).Trim() == hash);

    public async Task<InstallResult> EnsureAsync(string workDir, string cacheDir, TimeSpan timeout, Action<string> log, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        // At most one install per working directory, even if two activations raced here.
        var gate = Running.GetOrAdd(Path.GetFullPath(workDir), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var hash = InputsHash(workDir);
            if (hash is null || IsCurrent(workDir))
                return new InstallResult(true, false, null, started.Elapsed);
            if (File.Exists(StampPath(workDir)))
                File.Delete(StampPath(workDir));
            var useCi = LockFiles.Any(f => File.Exists(Path.Combine(workDir, f)));
            var scripts = ScriptsAllowed(workDir, log);
            var args = new List<string> { useCi ? "ci" : "install", "--no-audit", "--no-fund", "--no-progress", "--cache", cacheDir };
            // Without a lock of its own the project gets none from npm: a lock only in the working directory
            // would change the inputs' hash behind the namespace's back (and vanish on the next materialise).
            if (!useCi)
                args.Add("--no-package-lock");
            if (!scripts)
                args.Add("--ignore-scripts");
            Directory.CreateDirectory(cacheDir);
            log($"$ npm {string.Join(' ', args)}");
            var (exit, output, timedOut) = await RunAsync(args, workDir, timeout, log, ct);
            if (timedOut)
                return new InstallResult(false, true, $"npm {args[0]} did not finish within {timeout.TotalMinutes:0.#} min and was stopped.", started.Elapsed);
            if (exit != 0)
                return new InstallResult(false, true, ErrorMessage(output, exit), started.Elapsed);
            Directory.CreateDirectory(Path.GetDirectoryName(StampPath(workDir))!);
            // The inputs may have changed while npm ran; stamp what npm saw only if it still holds.
            if (InputsHash(workDir) == hash)
                await File.WriteAllTextAsync(StampPath(workDir), hash, ct);
            log($"npm {args[0]} finished in {started.Elapsed.TotalSeconds:0.0} s");
            return new InstallResult(true, true, null, started.Elapsed);
        }
        finally
        {
            gate.Release();
        }
    }

    async Task<(int Exit, List<string> Output, bool TimedOut)> RunAsync(List<string> args, string workDir, TimeSpan timeout, Action<string> log, CancellationToken ct)
    {
        var info = new ProcessStartInfo(npm)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["npm_config_update_notifier"] = "false";
        info.Environment["NODE_ENV"] = "development";
        var output = new List<string>();
        void Collect(string? line)
        {
            if (line is null)
                return;
            lock (output)
            {
                // Keep the head and tail of a runaway output, never all of it.
                if (output.Count < 2000)
                    output.Add(line);
            }
            log(line);
        }
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, [$"npm could not be started: {e.Message}"], false);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            // Drain the redirected streams.
            process.WaitForExit();
            return (process.ExitCode, output, false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            ct.ThrowIfCancellationRequested();
            return (-1, output, true);
        }
    }

    /// <summary>npm's own error lines (npm 7+: "npm error", older: "npm ERR!"), else the end of its output.</summary>
    static string ErrorMessage(List<string> output, int exit)
    {
        List<string> lines;
        lock (output)
            lines = output.ToList();
        var errors = lines.Where(l => l.StartsWith("npm error", StringComparison.Ordinal) || l.StartsWith("npm ERR!", StringComparison.Ordinal))
            .Where(l => !l.Contains("A complete log of this run", StringComparison.Ordinal) && !l.Contains("_logs/", StringComparison.Ordinal))
            .Take(20).ToList();
        if (errors.Count == 0)
            errors = lines.TakeLast(20).ToList();
        var text = string.Join("\n", errors).Trim();
        return text.Length == 0 ? $"npm exited with code {exit}." : text;
    }
}
