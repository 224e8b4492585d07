using System.Net;
using System.Text.Json;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

/// <summary>The parts of the node around the API: its OpenAPI document, health checks and the admin dashboard.</summary>
public sealed class SurfaceTests(VibeWebFactory factory) : IClassFixture<VibeWebFactory>
{
    [Fact]
    public async Task OpenApi_document_lists_the_project_and_file_endpoints()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", json.RootElement.GetProperty("openapi").GetString());
        var paths = json.RootElement.GetProperty("paths");
        string[] Verbs(string path) => paths.GetProperty(path).EnumerateObject().Select(p => p.Name).Order().ToArray();

        Assert.Equal(["post"], Verbs("/api/auth/session"));
        Assert.Equal(["get", "post"], Verbs("/api/projects"));
        Assert.Equal(["delete", "get", "patch"], Verbs("/api/projects/{id}"));
        Assert.Equal(["delete", "put"], Verbs("/api/projects/{id}/members/{pubkey}"));
        Assert.Equal(["get"], Verbs("/api/projects/{id}/tree"));
        Assert.Equal(["get"], Verbs("/api/projects/{id}/activity"));
        Assert.Equal(["delete", "get", "put"], Verbs("/api/projects/{id}/files/{path}"));
        Assert.Equal(["post"], Verbs("/api/projects/{id}/files:move"));
        Assert.Equal(["get"], Verbs("/api/projects/{id}/logs/{path}"));
        Assert.Equal(["get"], Verbs("/api/projects/{id}/preview"));
    }

    [Fact]
    public async Task Health_endpoints_answer_without_credentials()
    {
        using var client = factory.AnonymousClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("ready", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("activeSilos").GetInt32());
        Assert.Equal("sqlite", json.RootElement.GetProperty("storageDetail").GetString());
    }

    [Fact]
    public async Task Dashboard_needs_credentials()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.GetAsync("/dashboard");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Dashboard_is_forbidden_to_users_who_are_not_instance_admins()
    {
        var token = await factory.SessionTokenAsync(NostrEventSigner.Generate());
        using var client = factory.AnonymousClient();
        var (_, response) = await OpenDashboardAsync(client, token);
        using (response)
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    /// <summary>Follows the dashboard's sign-in step the way a browser does: the token once in the URL, then the cookie.</summary>
    static async Task<(string Cookie, HttpResponseMessage Page)> OpenDashboardAsync(HttpClient client, string token)
    {
        using var first = await client.GetAsync($"/dashboard?access_token={token}");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var location = first.Headers.Location!.OriginalString;
        Assert.DoesNotContain("access_token", location);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("vibe_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);

        var pair = cookie.Split(';')[0];
        for (var hops = 0; hops < 5; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, location);
            request.Headers.Add("Cookie", pair);
            var response = await client.SendAsync(request);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently))
                return (pair, response);
            location = response.Headers.Location!.OriginalString;
            response.Dispose();
        }
        throw new InvalidOperationException("The dashboard redirected more than five times.");
    }

    [Fact]
    public async Task Dashboard_rejects_a_bad_access_token()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.GetAsync("/dashboard?access_token=garbage");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    [Fact]
    public async Task Dashboard_opens_for_the_instance_admin_with_the_token_moved_into_a_cookie()
    {
        var token = await factory.SessionTokenAsync(factory.Admin);
        using var client = factory.AnonymousClient();
        var (_, page) = await OpenDashboardAsync(client, token);
        using (page)
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Dashboard_cookie_is_not_a_credential_for_the_api()
    {
        var token = await factory.SessionTokenAsync(factory.Admin);
        using var client = factory.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", $"vibe_session={token}");
        using var response = await client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Caller_mistakes_are_answered_without_logging_server_errors()
    {
        using var client = await factory.SessionClientAsync(NostrEventSigner.Generate());
        var project = await client.CreateProjectAsync("Quiet");
        using (var missing = await client.GetAsync($"/api/projects/{project.Id}/files/nope.txt"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var malformed = await client.PostAsync("/api/projects", new StringContent("{", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using (var traversal = await client.PostAsync($"/api/projects/{project.Id}/files:move",
            new StringContent("{\"from\":\"../x\",\"to\":\"/y\"}", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, traversal.StatusCode);

        Assert.DoesNotContain(factory.Logs.Entries, e => e.Category.Contains("ExceptionHandler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Me_reports_instance_admins()
    {
        using var client = await factory.SessionClientAsync(factory.Admin);
        var me = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<MeBody>(client, "/api/me");
        Assert.True(me!.Admin);
    }
}
