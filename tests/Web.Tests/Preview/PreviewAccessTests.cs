using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vibe.Grains.Identity;
using Vibe.Web.Preview;

namespace Vibe.Web.Tests.Preview;

/// <summary>Who gets into a preview, and that the IDE's origin and the preview's never serve each other's paths.</summary>
public sealed class PreviewAccessTests(PreviewNode node) : IClassFixture<PreviewNode>
{
    sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    PreviewTokens TokensAt(DateTimeOffset now) =>
        new(Convert.FromBase64String(File.ReadAllText(Path.Combine(node.DataDir, "session.key")).Trim()), new FixedTime(now));

    [Fact]
    public async Task Member_gets_a_preview_url_with_a_token_for_the_preview_origin_and_its_status()
    {
        using var response = await node.Owner.GetAsync($"/api/projects/{node.ProjectId}/preview");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        var url = json.RootElement.GetProperty("url").GetString()!;
        Assert.StartsWith($"{node.PreviewOrigin.ToString().TrimEnd('/')}/preview/{node.ProjectId}/?vibe_token=", url);
        Assert.Contains(json.RootElement.GetProperty("status").GetString(), new[] { "stopped", "installing", "building", "ready", "error" });

        // The URL works as handed out: the token is exchanged for the cookie, then the page loads.
        var (browser, _) = node.PreviewBrowser();
        using var exchanged = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, exchanged.StatusCode);
        using var page = await browser.GetAsync(exchanged.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Viewer_may_open_the_preview_but_a_non_member_or_anonymous_caller_may_not()
    {
        var viewer = NostrEventSigner.Generate();
        await node.Owner.SetMemberAsync(node.ProjectId, viewer.PublicKeyHex, "viewer");
        using (var asViewer = await node.SessionClientAsync(viewer))
        using (var response = await asViewer.GetAsync($"/api/projects/{node.ProjectId}/preview"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var stranger = await node.SessionClientAsync(NostrEventSigner.Generate());
        using (var response = await stranger.GetAsync($"/api/projects/{node.ProjectId}/preview"))
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        using (var response = await stranger.GetAsync("/api/projects/no-such-project/preview"))
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "project.not_found");
        using (var response = await node.AnonymousClient().GetAsync($"/api/projects/{node.ProjectId}/preview"))
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");

        // A token minted for someone who is not a member (however it was obtained) does not open the preview either.
        var (browser, _) = node.PreviewBrowser();
        var token = node.PreviewTokens.Issue(node.ProjectId, NostrEventSigner.Generate().PublicKeyHex, TimeSpan.FromMinutes(5)).Token;
        using var refused = await browser.GetAsync($"/preview/{node.ProjectId}/?vibe_token={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Token_is_exchanged_for_an_http_only_cookie_scoped_to_the_project_and_leaves_the_url()
    {
        var (browser, cookies) = node.PreviewBrowser();
        var token = node.PreviewTokens.Issue(node.ProjectId, node.OwnerKey.PublicKeyHex, TimeSpan.FromMinutes(5)).Token;

        using var response = await browser.GetAsync($"/preview/{node.ProjectId}/src/main.tsx?t=42&vibe_token={token}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/preview/{node.ProjectId}/src/main.tsx?t=42", response.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(PreviewServerCookie + "=", setCookie);
        Assert.Contains($"path=/preview/{node.ProjectId}/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, setCookie);
        // The cookie is sent for this project's paths only.
        Assert.Single(cookies.GetCookies(new Uri(node.PreviewOrigin, $"/preview/{node.ProjectId}/x.js")));
        Assert.Empty(cookies.GetCookies(new Uri(node.PreviewOrigin, "/preview/another-project/x.js")));
    }

    const string PreviewServerCookie = "vibe_preview";

    [Fact]
    public async Task Bad_expired_session_or_other_project_tokens_and_missing_cookies_get_the_401_page()
    {
        var me = node.OwnerKey.PublicKeyHex;
        var id = node.ProjectId;
        var now = DateTimeOffset.UtcNow;
        var badTokens = new Dictionary<string, string>
        {
            ["garbage"] = "not-a-token",
            ["expired"] = TokensAt(now.AddHours(-2)).Issue(id, me, TimeSpan.FromMinutes(30)).Token,
            ["other project"] = node.PreviewTokens.Issue("some-other-project", me, TimeSpan.FromMinutes(5)).Token,
            // An IDE session token must never open a preview (nor the other way round: the preview origin runs project code).
            ["session token"] = node.OwnerToken,
            ["other key"] = new PreviewTokens(SessionTokens.GenerateKey()).Issue(id, me, TimeSpan.FromMinutes(5)).Token,
        };
        var good = node.PreviewTokens.Issue(id, me, TimeSpan.FromMinutes(5)).Token;
        badTokens["tampered"] = good[..^2] + (good[^2] == 'A' ? "B" : "A") + good[^1];

        foreach (var (why, token) in badTokens)
        {
            var (browser, cookies) = node.PreviewBrowser();
            using var response = await browser.GetAsync($"/preview/{id}/?vibe_token={Uri.EscapeDataString(token)}");
            await AssertUnauthorizedPageAsync(response, why);
            Assert.Empty(cookies.GetCookies(new Uri(node.PreviewOrigin, $"/preview/{id}/")));
        }

        // No cookie at all, and forged or foreign cookies.
        var (plain, jar) = node.PreviewBrowser();
        using (var response = await plain.GetAsync($"/preview/{id}/"))
            await AssertUnauthorizedPageAsync(response, "no cookie");
        foreach (var (why, token) in badTokens)
        {
            jar.Add(new Cookie(PreviewServerCookie, token, $"/preview/{id}/", node.PreviewOrigin.Host));
            using var response = await plain.GetAsync($"/preview/{id}/");
            await AssertUnauthorizedPageAsync(response, "cookie: " + why);
        }
    }

    static async Task AssertUnauthorizedPageAsync(HttpResponseMessage response, string why)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Open this preview from Vibe", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ide_port_does_not_serve_previews()
    {
        var token = node.PreviewTokens.Issue(node.ProjectId, node.OwnerKey.PublicKeyHex, TimeSpan.FromMinutes(5)).Token;
        foreach (var path in new[] { $"/preview/{node.ProjectId}/", $"/preview/{node.ProjectId}/?vibe_token={token}", $"/preview/{node.ProjectId}/index.html" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", $"{PreviewServerCookie}={token}");
            using var response = await node.Owner.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the IDE port: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Preview_port_serves_nothing_but_previews()
    {
        var (browser, _) = await node.SignedInPreviewBrowserAsync(node.ProjectId, node.OwnerKey.PublicKeyHex);
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", node.OwnerToken);
        foreach (var path in new[]
                 {
                     "/", "/index.html", "/app/main.js", "/api/me", $"/api/projects/{node.ProjectId}/files/index.html",
                     "/openapi/v1.json", "/health/ready", "/hubs/collab/negotiate", $"/yjs/{node.ProjectId}/index.html",
                     "/dashboard", "/preview", "/preview/", "/previewx/a/", "/preview/Not_An_Id/",
                 })
        {
            using var response = await browser.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the preview port: {(int)response.StatusCode}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        // The project root without its slash is sent to the slash (relative URLs and the cookie's path need it).
        using var bare = await browser.GetAsync($"/preview/{node.ProjectId}");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal($"/preview/{node.ProjectId}/", bare.Headers.Location?.OriginalString);
    }
}
