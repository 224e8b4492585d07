using System.Reflection;

namespace Vibe.Grains.Projects;

/// <summary>The project templates embedded in this assembly, as workspace-relative path → bytes.</summary>
public static class ProjectTemplates
{
    const string Prefix = "templates/";

    static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, byte[]>>> All = new(Load);

    public static IReadOnlyCollection<string> Names => All.Value.Keys.ToList();

    public static bool TryGet(string name, out IReadOnlyDictionary<string, byte[]> files) =>
        All.Value.TryGetValue(name, out files!);

    static IReadOnlyDictionary<string, IReadOnlyDictionary<string, byte[]>> Load()
    {
        var assembly = typeof(ProjectTemplates).Assembly;
        var result = new Dictionary<string, Dictionary<string, byte[]>>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var rest = resource[Prefix.Length..].Replace('\\', '/');
            var slash = rest.IndexOf('/');
            var template = rest[..slash];
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            if (!result.TryGetValue(template, out var files))
                result[template] = files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            files["/" + rest[(slash + 1)..]] = buffer.ToArray();
        }
        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, byte[]>)kv.Value);
    }
}
