using System.Net;
using System.Net.Http.Headers;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests.Preview;

/// <summary>
/// The preview origin in front of the real preview grain, on a <c>blank</c> project (an index.html and no
/// npm dependencies, so nothing is installed): what a browser gets, and the caching headers it revalidates with.
/// </summary>
public sealed class PreviewAssetTests(PreviewNode node) : IClassFixture<PreviewNode>
{
    async Task<HttpClient> BrowserAsync() =>
        (await node.SignedInPreviewBrowserAsync(node.ProjectId, node.OwnerKey.PublicKeyHex)).Client;

    [Fact]
    public async Task Entry_page_is_the_projects_html_with_the_hmr_client_and_revalidates_by_etag()
    {
        var browser = await BrowserAsync();
        using var page = await browser.GetAsync($"/preview/{node.ProjectId}/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Hello from Vibe", html);
        Assert.Contains($"/preview/{node.ProjectId}/@vibe/client.js", html);
        Assert.True(page.Headers.CacheControl?.NoCache, "Cache-Control: no-cache");
        var etag = page.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/preview/{node.ProjectId}/");
        again.Headers.IfNoneMatch.Add(etag!);
        using var notModified = await browser.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag);

        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/preview/{node.ProjectId}/");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        using var full = await browser.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);

        using var head = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/preview/{node.ProjectId}/index.html"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Hmr_client_is_served_as_javascript_and_a_missing_file_is_the_grains_404()
    {
        var browser = await BrowserAsync();
        using var client = await browser.GetAsync($"/preview/{node.ProjectId}/@vibe/client.js");
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        Assert.Equal("text/javascript", client.Content.Headers.ContentType?.MediaType);

        using var missing = await browser.GetAsync($"/preview/{node.ProjectId}/src/nothing-here.js?t=1");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var post = await browser.PostAsync($"/preview/{node.ProjectId}/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Removed_member_loses_the_preview_at_the_next_page_load()
    {
        var guest = NostrEventSigner.Generate();
        var project = (await node.Owner.CreateProjectAsync("Guest preview", "blank")).Id;
        await node.Owner.SetMemberAsync(project, guest.PublicKeyHex, "editor");
        var (browser, cookies) = await node.SignedInPreviewBrowserAsync(project, guest.PublicKeyHex);
        using (var page = await browser.GetAsync($"/preview/{project}/"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        using (var removed = await node.Owner.DeleteAsync($"/api/projects/{project}/members/{guest.PublicKeyHex}"))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        using (var page = await browser.GetAsync($"/preview/{project}/"))
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => node.OpenHmrAsync(project, cookies));
    }

    [Fact]
    public async Task Project_logs_are_readable_by_members_only()
    {
        var browser = await BrowserAsync();
        using (var missing = await browser.GetAsync($"/preview/{node.ProjectId}/src/for-the-log.js"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The grain appends to /logs/preview.log in batches; wait for the line with a deadline.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string log;
        while (true)
        {
            using var response = await node.Owner.GetAsync($"/api/projects/{node.ProjectId}/logs/preview.log");
            log = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "";
            if (log.Contains("for-the-log.js") || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(200);
        }
        Assert.Contains("for-the-log.js", log);

        using var stranger = await node.SessionClientAsync(NostrEventSigner.Generate());
        using (var response = await stranger.GetAsync($"/api/projects/{node.ProjectId}/logs/preview.log"))
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        using (var response = await node.Owner.GetAsync($"/api/projects/{node.ProjectId}/logs/..%2Fworkspace%2Findex.html"))
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
        using (var response = await node.Owner.GetAsync($"/api/projects/{node.ProjectId}/logs/no-such.log"))
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
    }
}
