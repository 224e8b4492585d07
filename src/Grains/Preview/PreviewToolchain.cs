namespace Vibe.Grains.Preview;

/// <summary>
/// Where the node side of the preview lives once built: <c>{AppContext.BaseDirectory}/preview-toolchain</c>
/// holds <c>worker.mjs</c> (with its esbuild) and, in <c>dist/</c>, the page's client scripts (docs/preview.md, "Toolchain files").
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
        var file = Path.Combine(Directory, "dist", name);
        return File.Exists(file) ? file : null;
    }
}
