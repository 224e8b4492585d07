using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;
using Vibe.Testing;

namespace Vibe.Cluster.Tests.Postgres;

/// <summary>
/// A real, throw-away PostgreSQL server for one test run: initdb into a temp directory, start on a free
/// loopback port with trust authentication, hand out one database per test class, stop and delete on dispose.
/// Use it as an xunit collection fixture (<see cref="PostgresCollection"/>).
/// </summary>
public sealed partial class PostgresFixture : IAsyncLifetime
{
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);

    private string? _binDirectory;
    private string? _rootDirectory;
    private bool _started;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The directory holding the data directory, the socket and the server log.</summary>
    public string RootDirectory => _rootDirectory ?? throw new InvalidOperationException("PostgreSQL has not been started.");

    private string DataDirectory => Path.Combine(RootDirectory, "data");

    private string LogFile => Path.Combine(RootDirectory, "server.log");

    /// <summary>A connection string to the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public async Task InitializeAsync()
    {
        _binDirectory = FindServerBinaries();
        _rootDirectory = Path.Combine(Path.GetTempPath(), "vibe-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_rootDirectory);
        if (RunningAsRoot)
        {
            // initdb refuses to run as root, so the server runs as postgres and must own its directory.
            await RunAsync("chown", ["postgres:postgres", _rootDirectory]);
        }

        await RunServerToolAsync($"{Quote(Path.Combine(_binDirectory, "initdb"))} -D {Quote(DataDirectory)} -U postgres --auth=trust -E UTF8 --no-sync");

        Port = FreePorts.Next();
        var serverOptions = $"-p {Port} -k {RootDirectory} -c listen_addresses=127.0.0.1 -c fsync=off";
        await RunServerToolAsync($"{Quote(Path.Combine(_binDirectory, "pg_ctl"))} -D {Quote(DataDirectory)} -o \"{serverOptions}\" -l {Quote(LogFile)} -w start");
        _started = true;
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    /// <param name="name">Lower-case letters, digits and underscores, starting with a letter.</param>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"Database name '{name}' must match {DatabaseName()}.", nameof(name));
        }
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>A connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        Timeout = 30,
    }.ConnectionString;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_started && _binDirectory is not null)
            {
                await RunServerToolAsync($"{Quote(Path.Combine(_binDirectory, "pg_ctl"))} -D {Quote(DataDirectory)} -m fast -w stop");
            }
        }
        finally
        {
            if (_rootDirectory is not null && Directory.Exists(_rootDirectory))
            {
                Directory.Delete(_rootDirectory, recursive: true);
            }
        }
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

    private static string FindServerBinaries()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(candidate => File.Exists(Path.Combine(candidate.Dir, "initdb")) && File.Exists(Path.Combine(candidate.Dir, "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/*/bin or on PATH. " +
            "Run the tests through .ci/run, which installs them (apt-get install -y postgresql).");
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    // As root the tool runs through su, because initdb and postgres refuse to run as root.
    private static Task RunServerToolAsync(string shellCommand) => RunningAsRoot
        ? RunAsync("su", ["postgres", "-s", "/bin/sh", "-c", shellCommand])
        : RunAsync("/bin/sh", ["-c", shellCommand]);

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(CommandDeadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandDeadline}.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}

/// <summary>Test classes in this collection share one <see cref="PostgresFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
