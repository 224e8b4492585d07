using System.Diagnostics;
using System.Text;

namespace Vibe.Cluster.Tests.Processes;

/// <summary>
/// A Vibe executable (Vibe.Silo or Vibe.Web) run as a real child process, so a test can kill it with
/// SIGKILL the way a crashed machine would.
/// </summary>
public sealed class VibeProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new();

    VibeProcess(Process process) => _process = process;

    public string Name { get; private init; } = "";
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts <c>dotnet {assembly}.dll args…</c> from the build output of the given project.</summary>
    public static VibeProcess Start(string name, string project, string assembly, params string[] args)
    {
        var dll = BuiltAssembly(project, assembly);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var vibe = new VibeProcess(process) { Name = name };
        process.OutputDataReceived += (_, e) => vibe.Append(e.Data);
        process.ErrorDataReceived += (_, e) => vibe.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return vibe;
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string project, string assembly, TimeSpan deadline, params string[] args)
    {
        await using var p = Start(assembly, project, assembly, args);
        using var cts = new CancellationTokenSource(deadline);
        await p._process.WaitForExitAsync(cts.Token);
        p._process.WaitForExit();
        return (p._process.ExitCode, p.Output);
    }

    void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a machine losing power.</summary>
    public async Task KillHardAsync()
    {
        if (_process.HasExited)
            return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillHardAsync();
        _process.Dispose();
    }

    static string BuiltAssembly(string project, string assembly)
    {
        // The test runs from tests/Cluster.Tests/bin/{Configuration}/net10.0; the project was built by the
        // ProjectReference in Cluster.Tests.csproj into src/{project}/bin/{Configuration}/net10.0.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Vibe.sln")))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException("Vibe.sln not found above " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "src", project, "bin", configuration, framework, assembly + ".dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing; build the solution first.", dll);
        return dll;
    }
}
