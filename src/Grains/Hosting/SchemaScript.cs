using System.Reflection;

namespace Vibe.Grains.Hosting;

/// <summary>One ordered, idempotent SQL script embedded in this assembly.</summary>
/// <param name="Id">The file name without extension, e.g. <c>001-orleans-clustering</c>; recorded in vibe_schema_migrations.</param>
/// <param name="Sql">The script text.</param>
public sealed record SchemaScript(string Id, string Sql)
{
    // Grains.csproj embeds Hosting/Schema/<provider>/<file>.sql under this prefix.
    private const string ResourcePrefix = "Vibe.Schema.";

    /// <summary>The scripts for a provider, in the order they must run.</summary>
    public static IReadOnlyList<SchemaScript> For(StorageProvider provider)
    {
        var folder = provider switch
        {
            StorageProvider.Sqlite => "sqlite",
            StorageProvider.Postgres => "postgres",
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown storage provider."),
        };
        var assembly = typeof(SchemaScript).Assembly;
        var scripts = new List<SchemaScript>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            // The recursive directory part may carry either separator depending on the build machine.
            var relative = name[ResourcePrefix.Length..].Replace('\\', '/');
            var slash = relative.IndexOf('/');
            if (slash < 0 || relative[..slash] != folder)
            {
                continue;
            }
            var fileName = relative[(slash + 1)..];
            scripts.Add(new SchemaScript(Path.GetFileNameWithoutExtension(fileName), Read(assembly, name)));
        }
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No embedded schema scripts found for {provider}; check the EmbeddedResource items in Grains.csproj.");
        }
        scripts.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return scripts;
    }

    private static string Read(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded schema script {resourceName} could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
