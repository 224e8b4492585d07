using System.Net;
using Microsoft.Extensions.Primitives;
using EntityTagHeaderValue = Microsoft.Net.Http.Headers.EntityTagHeaderValue;
using Vibe.Contracts.Preview;
using Vibe.Contracts.Projects;
using Vibe.Grains.Projects;
using Vibe.Web.Collab;

namespace Vibe.Web.Preview;

/// <summary>
/// Answers every request that arrives on the preview origin (docs/preview.md): <c>/preview/{projectId}/{path}</c>
/// from <see cref="IPreviewGrain.GetAssetAsync"/>, and the HMR socket. A browser gets in by exchanging the
/// <c>vibe_token</c> of the URL the API handed out for an HTTP-only cookie scoped to the project's path;
/// anything else is a short 401 page. Nothing else is served here: no API, no IDE, no static files.
/// </summary>
public sealed class PreviewServer(
    IGrainFactory grains,
    PreviewTokens tokens,
    PreviewOriginOptions options,
    PreviewFanout fanout,
    ILoggerFactory loggers)
{
    public const string Prefix = "/preview";
    public const string TokenParameter = "vibe_token";
    public const string CookieName = "vibe_preview";
    public const string HmrPath = "/@vibe/hmr";

    readonly ILogger _logger = loggers.CreateLogger<PreviewServer>();

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            await HandleCoreAsync(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Preview request {Path} failed", http.Request.Path);
            if (http.Response.HasStarted)
                return;
            var (status, text) = e switch
            {
                VibeException v => (VibeErrorCodes.HttpStatus(v.Code), v.Message),
                TimeoutException => (504, "The preview server did not answer in time; try again."),
                _ => (502, "The preview server failed; see the build log in the IDE."),
            };
            await PageAsync(http, status, "Preview unavailable", text);
        }
    }

    async Task HandleCoreAsync(HttpContext http)
    {
        if (!TryRoute(http.Request.Path, out var projectId, out var path))
        {
            await PageAsync(http, 404, "Not found", "This address serves Vibe project previews only.");
            return;
        }
        if (path is null)
        {
            // Relative URLs in the app and the cookie's path both need the trailing slash.
            http.Response.Redirect($"{Prefix}/{projectId}/{http.Request.QueryString}");
            return;
        }

        if (http.Request.Query.TryGetValue(TokenParameter, out var token))
        {
            await ExchangeTokenAsync(http, projectId, token.ToString());
            return;
        }
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie) || !tokens.TryValidate(cookie, projectId, out var pubkey))
        {
            await UnauthorizedAsync(http);
            return;
        }

        if (path == HmrPath)
        {
            await HmrAsync(http, projectId, pubkey);
            return;
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            http.Response.Headers.Allow = "GET, HEAD";
            await PageAsync(http, 405, "Method not allowed", "The preview serves GET and HEAD requests only.");
            return;
        }
        // Each page load re-checks membership, so someone removed from the project loses the preview at once.
        if (path is "/" or "/index.html" && !await IsMemberAsync(projectId, pubkey))
        {
            await UnauthorizedAsync(http);
            return;
        }
        var query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : "";
        var asset = await grains.GetGrain<IPreviewGrain>(projectId).GetAssetAsync(path, query);
        await WriteAssetAsync(http, asset);
    }

    /// <summary>Splits <c>/preview/{projectId}/{path}</c>; <paramref name="path"/> is null for <c>/preview/{projectId}</c> alone.</summary>
    public static bool TryRoute(PathString requestPath, out string projectId, out string? path)
    {
        projectId = "";
        path = null;
        if (!requestPath.StartsWithSegments(Prefix, StringComparison.Ordinal, out var rest) || !rest.HasValue)
            return false;
        var value = rest.Value!; // "/{id}" or "/{id}/..."
        var slash = value.IndexOf('/', 1);
        projectId = slash < 0 ? value[1..] : value[1..slash];
        if (!ProjectRules.IsValidId(projectId))
            return false;
        path = slash < 0 ? null : value[slash..];
        return true;
    }

    async Task ExchangeTokenAsync(HttpContext http, string projectId, string token)
    {
        if (!tokens.TryValidate(token, projectId, out var pubkey) || !await IsMemberAsync(projectId, pubkey))
        {
            await UnauthorizedAsync(http);
            return;
        }
        var cookie = tokens.Issue(projectId, pubkey, TimeSpan.FromHours(options.PreviewCookieHours));
        http.Response.Cookies.Append(CookieName, cookie.Token, new CookieOptions
        {
            HttpOnly = true,
            // Lax: sent in the IDE's iframe (same site: same host, another port) and when the preview is opened in a tab.
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = $"{Prefix}/{projectId}/",
            Expires = cookie.ExpiresAt,
        });
        // The token must not stay in the address bar, the history or Referer headers.
        var rest = QueryString.Create(http.Request.Query.Where(q => q.Key != TokenParameter));
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Redirect($"{http.Request.PathBase}{http.Request.Path}{rest}");
    }

    async Task<bool> IsMemberAsync(string projectId, string pubkey)
    {
        var access = await grains.GetGrain<IProjectGrain>(projectId).GetAccessAsync(pubkey);
        return access.Exists && access.Role >= ProjectRole.Viewer;
    }

    async Task HmrAsync(HttpContext http, string projectId, string pubkey)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await PageAsync(http, 400, "Bad request", "This is the preview's HMR socket; open a WebSocket.");
            return;
        }
        if (!await IsMemberAsync(projectId, pubkey))
        {
            await UnauthorizedAsync(http);
            return;
        }
        var preview = grains.GetGrain<IPreviewGrain>(projectId);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new HmrConnection(socket, preview, loggers.CreateLogger<HmrConnection>());
        // Subscribed before the connect messages are fetched, so nothing published in between is lost.
        await fanout.AddAsync(projectId, connection);
        try
        {
            await connection.RunAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "HMR socket for {Project} failed", projectId);
            if (socket.State == System.Net.WebSockets.WebSocketState.Open)
                await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.InternalServerError, "the preview server failed", CancellationToken.None);
        }
        finally
        {
            await fanout.RemoveAsync(projectId, connection);
        }
    }

    static async Task WriteAssetAsync(HttpContext http, PreviewAsset asset)
    {
        var response = http.Response;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        var etag = asset.ETag is { Length: > 0 } e ? Quoted(e) : null;
        if (etag is not null)
            response.Headers.ETag = etag;
        if (etag is not null && asset.StatusCode == 200 && Matches(http.Request.Headers.IfNoneMatch, etag))
        {
            response.StatusCode = 304;
            return;
        }
        response.StatusCode = asset.StatusCode;
        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
            await response.Body.WriteAsync(asset.Body, http.RequestAborted);
    }

    static string Quoted(string etag) =>
        etag.StartsWith('"') || etag.StartsWith("W/\"", StringComparison.Ordinal) ? etag : $"\"{etag}\"";

    /// <summary>If-None-Match compares weakly (RFC 9110 13.1.2): <c>W/"x"</c> matches <c>"x"</c>.</summary>
    static bool Matches(StringValues ifNoneMatch, string etag)
    {
        if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
            return false;
        var current = EntityTagHeaderValue.Parse(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }

    static Task UnauthorizedAsync(HttpContext http) => PageAsync(http, 401, "Open this preview from Vibe",
        "This preview link has expired or is not yours. Open the project in Vibe and use its preview panel " +
        "(or the panel's \u201copen in a new tab\u201d button) to get a fresh link.");

    /// <summary>A short, self-contained HTML page: the preview origin has no other pages to link to.</summary>
    static Task PageAsync(HttpContext http, int status, string title, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}} · Vibe preview</title>
            <style>body{font:15px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#0f1115;color:#e4e7ee}
            main{max-width:32rem;padding:2rem}h1{font-size:1.25rem;margin:0 0 .5rem}p{color:#9aa3b2;margin:0}b{color:#7c8cff}</style></head>
            <body><main><h1><b>◆</b> {{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(text)}}</p></main></body></html>
            """;
        return http.Response.WriteAsync(html, http.RequestAborted);
    }
}
