using System.Text.RegularExpressions;

namespace Vibe.Web.Preview;

/// <summary>
/// Where the preview origin lives (docs/preview.md): a second HTTP endpoint of the web node that serves
/// nothing but <c>/preview/{projectId}/...</c>, so a project's code never runs on the IDE's origin.
/// Bound from the <c>Vibe</c> section like every other setting.
/// </summary>
public sealed partial class PreviewOriginOptions
{
    public const string DefaultUrl = "http://localhost:5081";

    /// <summary>The preview origin as browsers reach it (<c>scheme://host:port</c>), used in the URLs the API hands out.</summary>
    public string PreviewUrl { get; set; } = DefaultUrl;

    /// <summary>
    /// What the node binds for the preview origin, when that differs from <see cref="PreviewUrl"/> (in a
    /// container: <c>http://0.0.0.0:5081</c> behind a published port). Default: <see cref="PreviewUrl"/>.
    /// </summary>
    public string? PreviewListen { get; set; }

    /// <summary>How long the preview cookie lets a browser in after it exchanged a token (membership is re-checked on every page load).</summary>
    public int PreviewCookieHours { get; set; } = 12;

    public Uri PublicUri => new(PreviewUrl.TrimEnd('/'));

    public string ListenUrl => (PreviewListen ?? PreviewUrl).TrimEnd('/');

    /// <summary>The port the preview origin listens on: requests that arrive on it are preview requests.</summary>
    public int ListenPort => new Uri(ListenUrl.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0")).Port;

    public static PreviewOriginOptions From(IConfiguration configuration) =>
        configuration.GetSection("Vibe").Get<PreviewOriginOptions>() ?? new PreviewOriginOptions();

    /// <summary>Every problem with the settings, each naming the setting; <paramref name="ideUrls"/> are the IDE's own bindings.</summary>
    public IEnumerable<string> Problems(IEnumerable<string> ideUrls)
    {
        if (!IsHttpOrigin(PreviewUrl, out var problem))
        {
            yield return $"Vibe:PreviewUrl '{PreviewUrl}' {problem}";
            yield break;
        }
        if (PreviewListen is not null && !IsHttpOrigin(PreviewListen, out problem))
        {
            yield return $"Vibe:PreviewListen '{PreviewListen}' {problem}";
            yield break;
        }
        if (PreviewCookieHours is < 1 or > 24 * 30)
            yield return "Vibe:PreviewCookieHours must be between 1 and 720.";
        foreach (var url in ideUrls)
        {
            if (PortOf(url) == ListenPort)
                yield return $"Vibe:PreviewUrl uses port {ListenPort}, which the IDE also listens on ({url}); the preview needs a port of its own.";
        }
    }

    public void Validate(IEnumerable<string> ideUrls)
    {
        var problems = Problems(ideUrls).ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid Vibe settings:\n  " + string.Join("\n  ", problems));
    }

    static bool IsHttpOrigin(string value, out string problem)
    {
        problem = "";
        var parsed = value.TrimEnd('/').Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
        if (!Uri.TryCreate(parsed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            problem = "is not an http(s) URL.";
        else if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
            problem = "must be an origin only (scheme://host:port, no path).";
        else if (!ExplicitPort().IsMatch(parsed) || uri.Port == 0)
            problem = "needs an explicit, non-zero port (the node tells preview requests from IDE requests by the port they arrive on).";
        return problem.Length == 0;
    }

    /// <summary>The port of a Kestrel URL such as <c>http://*:5080</c> or <c>http://[::1]:0</c>; null when it has none.</summary>
    public static int? PortOf(string url)
    {
        var match = UrlPort().Match(url);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@":(\d+)/?$")]
    private static partial Regex ExplicitPort();

    [GeneratedRegex(@"^[a-z]+://(?:\[[^\]]*\]|[^/:]*):(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPort();
}
