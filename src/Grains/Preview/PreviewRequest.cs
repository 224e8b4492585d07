using Microsoft.AspNetCore.StaticFiles;

namespace Vibe.Grains.Preview;

/// <summary>What a path under <c>/preview/{projectId}</c> asks for (docs/preview.md, "URL space").</summary>
public enum PreviewAssetKind
{
    /// <summary><c>/</c> or <c>/index.html</c>: the entry HTML with the HMR client injected.</summary>
    EntryHtml,
    /// <summary>A source module (ts, tsx, js, jsx, mjs) transformed to JS.</summary>
    Module,
    /// <summary>A stylesheet for a <c>&lt;link&gt;</c>.</summary>
    RawCss,
    /// <summary>Any file with <c>?import</c>: CSS, JSON or an asset as a JS module.</summary>
    ImportModule,
    /// <summary><c>/@deps/...</c>: pre-bundled npm dependencies.</summary>
    Dependency,
    /// <summary><c>/@vibe/client.js</c>, <c>/@vibe/refresh.js</c>.</summary>
    Toolchain,
    /// <summary>Any other file of the workspace, as bytes.</summary>
    Static,
}

/// <summary>
/// A validated request path. Everything a client sends is checked here before it can name a file: an
/// encoded or literal <c>..</c>, a backslash, NUL or other control characters, an empty segment or a
/// doubly-encoded escape are refused (400), so no answer can come from outside the working directory.
/// </summary>
public sealed record PreviewRequest(string Path, PreviewAssetKind Kind)
{
    static readonly string[] ModuleExtensions = [".ts", ".tsx", ".js", ".jsx", ".mjs"];
    static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    /// <summary>The workspace file the answer comes from (for <see cref="PreviewAssetKind.Dependency"/>: under <c>.vibe/deps</c>).</summary>
    public string FilePath => Kind switch
    {
        PreviewAssetKind.EntryHtml => "/index.html",
        PreviewAssetKind.Dependency => "/.vibe/deps" + Path["/@deps".Length..],
        _ => Path,
    };

    public static bool TryParse(string? path, string? query, out PreviewRequest request, out string error)
    {
        request = null!;
        if (!TryDecodePath(path, out var decoded, out error))
            return false;
        var import = (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Any(part => part == "import" || part.StartsWith("import=", StringComparison.Ordinal));
        request = new PreviewRequest(decoded, Classify(decoded, import));
        return true;
    }

    static PreviewAssetKind Classify(string path, bool import)
    {
        if (path is "/" or "/index.html")
            return PreviewAssetKind.EntryHtml;
        if (path.StartsWith("/@vibe/", StringComparison.Ordinal))
            return PreviewAssetKind.Toolchain;
        if (path.StartsWith("/@deps/", StringComparison.Ordinal))
            return PreviewAssetKind.Dependency;
        if (import)
            return PreviewAssetKind.ImportModule;
        var extension = System.IO.Path.GetExtension(path);
        if (ModuleExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            return PreviewAssetKind.Module;
        if (extension.Equals(".css", StringComparison.OrdinalIgnoreCase))
            return PreviewAssetKind.RawCss;
        return PreviewAssetKind.Static;
    }

    static bool TryDecodePath(string? path, out string decoded, out string error)
    {
        decoded = "";
        error = "";
        if (string.IsNullOrEmpty(path) || path[0] != '/')
            return Fail("The path must start with '/'.", out error);
        if (path.Length > 2048)
            return Fail("The path is too long.", out error);
        var text = path;
        if (text.Contains('%'))
        {
            try
            {
                text = Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                return Fail("The path has a malformed escape.", out error);
            }
            // A '%' that survives decoding was encoded twice: a classic way to smuggle "..".
            if (text.Contains('%'))
                return Fail("The path is encoded twice.", out error);
        }
        foreach (var c in text)
        {
            if (c == '\\')
                return Fail("The path contains a backslash.", out error);
            if (char.IsControl(c))
                return Fail("The path contains a control character.", out error);
        }
        if (text.Length > 1)
        {
            var segments = text[1..].Split('/');
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment is "." or "..")
                    return Fail("The path contains '.' or '..'.", out error);
                if (segment.Length == 0 && i < segments.Length - 1)
                    return Fail("The path contains an empty name ('//').", out error);
                if (segment.Contains(':'))
                    return Fail("The path contains ':'.", out error);
            }
        }
        decoded = text.Length > 1 ? text.TrimEnd('/') : text;
        if (decoded.Length == 0)
            decoded = "/";
        return true;
    }

    static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    /// <summary>
    /// Files the preview never serves as they are: dot-files and dot-directories (.env, .git, the preview's own
    /// .vibe). Installed packages are served: a package's stylesheet or image is imported by URL under /node_modules/.
    /// </summary>
    public bool IsHidden => Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Any(p => p.StartsWith('.'));

    public static string ContentTypeOf(string path)
    {
        if (!ContentTypes.TryGetContentType(path, out var type))
            type = "application/octet-stream";
        return type.StartsWith("text/", StringComparison.Ordinal) || type is "application/json" or "image/svg+xml"
            ? type + "; charset=utf-8"
            : type;
    }

    static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".js"] = "text/javascript";
        provider.Mappings[".mjs"] = "text/javascript";
        provider.Mappings[".map"] = "application/json";
        provider.Mappings[".wasm"] = "application/wasm";
        provider.Mappings[".webmanifest"] = "application/manifest+json";
        return provider;
    }
}
