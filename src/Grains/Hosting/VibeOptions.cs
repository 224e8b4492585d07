using System.ComponentModel.DataAnnotations;

namespace Vibe.Grains.Hosting;

public enum VibeRole
{
    /// <summary>The process hosts a silo (co-hosted with the web app, or headless).</summary>
    Silo,
    /// <summary>The web app joins an existing cluster as a pure Orleans client.</summary>
    Client,
}

/// <summary>Vibe's settings, bound from the <c>Vibe</c> configuration section (env <c>Vibe__Name</c>).</summary>
public sealed class VibeOptions
{
    public const string Section = "Vibe";

    /// <summary>Where embedded mode keeps <c>vibe.db</c>, blobs and the session key.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>A PostgreSQL connection string; when set, Vibe runs in cluster mode.</summary>
    public string? Postgres { get; set; }

    public VibeRole Role { get; set; } = VibeRole.Silo;

    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo on (cluster mode). Default: the machine's first
    /// non-loopback IPv4 address (a container's own address under docker compose), else 127.0.0.1.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    [Required] public string ClusterId { get; set; } = "vibe";
    [Required] public string ServiceId { get; set; } = "vibe";

    /// <summary>Public keys (hex) of instance admins: they may open <c>/dashboard</c>.</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>Base64 of 32 bytes signing session tokens. Default: generated once and stored with the data.</summary>
    public string? SessionKey { get; set; }

    [Range(1, 24 * 60)] public int SessionMinutes { get; set; } = 60;

    /// <summary>Apply the database schema at start. Default: on in embedded mode, off in a cluster (use <c>migrate</c>).</summary>
    public bool? MigrateOnStart { get; set; }

    /// <summary>
    /// Embedded mode: <c>Process</c> (default) acknowledges document updates once they are in SQLite's WAL
    /// (safe when the process is killed); <c>Disk</c> also waits for fsync (safe on power loss, slower).
    /// </summary>
    public Documents.Log.SqliteDurability DocumentDurability { get; set; } = Documents.Log.SqliteDurability.Process;

    /// <summary>The default maximum size of one file in a project's namespace.</summary>
    [Range(1, long.MaxValue)] public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Where live previews keep each project's working directory (<c>{PreviewDir}/{projectId}</c>, with its
    /// node_modules). Default <c>{DataDir}/previews</c>. Local to the silo that hosts the preview.
    /// </summary>
    public string? PreviewDir { get; set; }

    /// <summary>npm's package cache, shared by every preview of the machine. Default <c>{PreviewDir}/.npm-cache</c>.</summary>
    public string? NpmCacheDir { get; set; }

    public string FullPreviewDir => Path.GetFullPath(string.IsNullOrWhiteSpace(PreviewDir) ? Path.Combine(FullDataDir, "previews") : PreviewDir);

    public string FullNpmCacheDir => Path.GetFullPath(string.IsNullOrWhiteSpace(NpmCacheDir) ? Path.Combine(FullPreviewDir, ".npm-cache") : NpmCacheDir);

    public System.Net.IPAddress ResolveAdvertisedAddress()
    {
        if (AdvertisedAddress is not null)
            return System.Net.IPAddress.Parse(AdvertisedAddress);
        var own = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        return own ?? System.Net.IPAddress.Loopback;
    }

    public bool IsCluster => !string.IsNullOrWhiteSpace(Postgres);

    public string FullDataDir => Path.GetFullPath(DataDir);

    public string SqlitePath => Path.Combine(FullDataDir, "vibe.db");

    /// <summary>The document update log's own file in embedded mode (held by the node alone; see <c>SqliteDocumentLog</c>).</summary>
    public string DocumentsPath => Path.Combine(FullDataDir, Documents.Log.SqliteDocumentLog.FileName);

    /// <remarks>
    /// Private caches, not <c>Cache=Shared</c>: in shared-cache mode a conflict between two connections is
    /// SQLITE_LOCKED, which SQLite's busy timeout does not cover and Microsoft.Data.Sqlite retries by sleeping
    /// 150 ms, a stall that showed as 120–170 ms keystrokes in bench/Collab.Bench.
    /// </remarks>
    public string SqliteConnectionString => $"Data Source={SqlitePath};Pooling=True";

    /// <summary>Every problem with the settings, each naming the setting, so a bad start says what to fix.</summary>
    public IEnumerable<string> Problems()
    {
        if (Role == VibeRole.Client && !IsCluster)
            yield return "Vibe:Role=client needs Vibe:Postgres (a pure client joins a PostgreSQL cluster).";
        if (string.IsNullOrWhiteSpace(DataDir))
            yield return "Vibe:DataDir must not be empty.";
        if (AdvertisedAddress is not null && !System.Net.IPAddress.TryParse(AdvertisedAddress, out _))
            yield return $"Vibe:AdvertisedAddress '{AdvertisedAddress}' is not an IP address.";
        if (SiloPort == GatewayPort)
            yield return "Vibe:SiloPort and Vibe:GatewayPort must differ.";
        foreach (var admin in Admins)
        {
            if (admin.Length != 64 || !admin.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
                yield return $"Vibe:Admins entry '{admin}' is not a 64-character lowercase hex public key.";
        }
        if (SessionKey is not null)
        {
            var bytes = new byte[64];
            if (!Convert.TryFromBase64String(SessionKey, bytes, out var n) || n != 32)
                yield return "Vibe:SessionKey must be the base64 of exactly 32 bytes.";
        }
        if (IsCluster)
        {
            string? error = null;
            try { _ = new Npgsql.NpgsqlConnectionStringBuilder(Postgres); }
            catch (Exception e) { error = e.Message; }
            if (error is not null)
                yield return $"Vibe:Postgres is not a valid connection string: {error}";
        }
    }

    public void Validate()
    {
        var problems = Problems().ToList();
        var context = new ValidationContext(this);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, context, results, validateAllProperties: true))
            problems.AddRange(results.Select(r => $"Vibe:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid Vibe settings:\n  " + string.Join("\n  ", problems));
    }
}
