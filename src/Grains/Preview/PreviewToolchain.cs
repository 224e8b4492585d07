namespace Vibe.Grains.Preview;

/// <summary>
/// Where the node side of the preview lives once built: <c>{AppContext.BaseDirectory}/preview-toolchain</c>
/// holds <c>worker.mjs</c> (with its esbuild) and the page's client scripts.
/// </summary>
public static class PreviewToolchain
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "preview-toolchain");

    public static string WorkerScript => Path.Combine(Directory, "worker.mjs");

    /// <summary>The served client files by name (<c>client.js</c>, <c>refresh.js</c>); null when the name is not one of them or the file is missing.</summary>
    public static string? ClientFile(string name)
    {
        if (name is not ("client.js" or "refresh.js"))
            return null;
        foreach (var candidate in new[] { Path.Combine(Directory, "client", "dist", name), Path.Combine(Directory, "client", name), Path.Combine(Directory, name) })
        {
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
