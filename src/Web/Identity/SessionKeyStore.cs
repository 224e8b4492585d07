using Npgsql;
using Vibe.Grains.Hosting;
using Vibe.Grains.Identity;

namespace Vibe.Web.Identity;

/// <summary>
/// The key that signs session tokens. Every web node of a cluster must hold the same one, so unless
/// <c>Vibe:SessionKey</c> is set it is generated once and kept with the data: a file in embedded mode,
/// a row of <c>vibe_settings</c> in PostgreSQL (the first node to start writes it, the others read it).
/// </summary>
public static class SessionKeyStore
{
    const string SettingName = "session_key";

    public static async Task<byte[]> LoadAsync(VibeOptions options, CancellationToken ct)
    {
        if (options.SessionKey is { } configured)
            return Convert.FromBase64String(configured);
        if (options.IsCluster)
            return await LoadFromPostgresAsync(options.Postgres!, ct);

        var path = Path.Combine(options.FullDataDir, "session.key");
        if (File.Exists(path))
        {
            var existing = Convert.FromBase64String((await File.ReadAllTextAsync(path, ct)).Trim());
            if (existing.Length == SessionTokens.KeyLength)
                return existing;
        }
        Directory.CreateDirectory(options.FullDataDir);
        var key = SessionTokens.GenerateKey();
        await File.WriteAllTextAsync(path, Convert.ToBase64String(key), ct);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    static async Task<byte[]> LoadFromPostgresAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO vibe_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", connection))
        {
            insert.Parameters.AddWithValue(SettingName);
            insert.Parameters.AddWithValue(Convert.ToBase64String(SessionTokens.GenerateKey()));
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using var select = new NpgsqlCommand("SELECT value FROM vibe_settings WHERE name = $1", connection);
        select.Parameters.AddWithValue(SettingName);
        var value = (string)(await select.ExecuteScalarAsync(ct))!;
        return Convert.FromBase64String(value);
    }
}
