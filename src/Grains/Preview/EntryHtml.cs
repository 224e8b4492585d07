using System.Text.RegularExpressions;

namespace Vibe.Grains.Preview;

/// <summary>What the entry HTML loads by itself: module scripts and stylesheets, the roots of the module graph.</summary>
public static partial class EntryHtml
{
    /// <summary>The local module scripts and stylesheets of <paramref name="html"/>, as workspace paths, in document order.</summary>
    public static IReadOnlyList<(string Path, bool Stylesheet)> References(string html)
    {
        var found = new List<(string, bool)>();
        foreach (Match tag in TagPattern().Matches(html))
        {
            var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (Match attribute in AttributePattern().Matches(tag.Groups[2].Value))
            {
                var value = attribute.Groups[2].Success ? attribute.Groups[2].Value
                    : attribute.Groups[3].Success ? attribute.Groups[3].Value
                    : attribute.Groups[4].Value;
                attributes.TryAdd(attribute.Groups[1].Value, value);
            }
            var isScript = tag.Groups[1].Value.Equals("script", StringComparison.OrdinalIgnoreCase);
            var reference = isScript
                ? attributes.GetValueOrDefault("type") == "module" ? attributes.GetValueOrDefault("src") : null
                : attributes.GetValueOrDefault("rel")?.Split(' ').Contains("stylesheet", StringComparer.OrdinalIgnoreCase) == true ? attributes.GetValueOrDefault("href") : null;
            if (LocalPath(reference) is { } path)
                found.Add((path, !isScript));
        }
        return found;
    }

    /// <summary>A reference to a file of the project (<c>/src/x</c>, <c>./src/x</c>, <c>src/x</c>); null for other origins and data URLs.</summary>
    static string? LocalPath(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.StartsWith("//", StringComparison.Ordinal) || reference.Contains(':'))
            return null;
        var cut = reference.IndexOfAny(['?', '#']);
        var path = cut >= 0 ? reference[..cut] : reference;
        path = path.StartsWith("./", StringComparison.Ordinal) ? path[1..] : path.StartsWith('/') ? path : "/" + path;
        return PreviewRequest.TryParse(path, "", out var parsed, out _) && parsed.Path != "/" ? parsed.Path : null;
    }

    [GeneratedRegex(@"<(script|link)\b([^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex TagPattern();

    [GeneratedRegex("""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")]
    private static partial Regex AttributePattern();
}
