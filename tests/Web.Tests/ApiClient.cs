using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vibe.Web.Tests;

/// <summary>The wire shapes of the REST API as a client sees them, and assertions on problem details.</summary>
public sealed record ProjectBody(string Id, string Name, string Owner, string Template, List<MemberBody> Members,
    DateTimeOffset CreatedAt, bool Archived, string Role);

public sealed record MemberBody(string Pubkey, string Role);

public sealed record TreeEntryBody(string Path, string Kind, long Size, DateTimeOffset Modified);

public static class Api
{
    public static async Task<ProjectBody> CreateProjectAsync(this HttpClient client, string name, string template = "blank")
    {
        using var response = await client.PostAsJsonAsync("/api/projects", new { name, template });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProjectBody>())!;
    }

    public static async Task SetMemberAsync(this HttpClient client, string projectId, string pubkey, string role)
    {
        using var response = await client.PutAsJsonAsync($"/api/projects/{projectId}/members/{pubkey}", new { role });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task PutFileAsync(this HttpClient client, string projectId, string path, byte[] bytes)
    {
        using var response = await client.PutAsync($"/api/projects/{projectId}/files/{path.TrimStart('/')}", new ByteArrayContent(bytes));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<byte[]> GetFileAsync(this HttpClient client, string projectId, string path)
    {
        using var response = await client.GetAsync($"/api/projects/{projectId}/files/{path.TrimStart('/')}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static async Task<List<TreeEntryBody>> TreeAsync(this HttpClient client, string projectId, string path = "/")
    {
        using var response = await client.GetAsync($"/api/projects/{projectId}/tree?path={Uri.EscapeDataString(path)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<TreeEntryBody>>())!;
    }

    /// <summary>Asserts the status and that the body is problem details carrying <paramref name="code"/>.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.True(json.RootElement.TryGetProperty("code", out var actual), $"no code in {text}");
        Assert.Equal(code, actual.GetString());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
    }
}
