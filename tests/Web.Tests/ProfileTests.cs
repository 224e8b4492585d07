using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

/// <summary>The profile collaborators see: set over REST, read back from /api/me, validated field by field.</summary>
public sealed class ProfileTests(VibeWebFactory factory) : IClassFixture<VibeWebFactory>
{
    [Fact]
    public async Task A_profile_is_kept_and_reported_by_me()
    {
        using var client = await factory.SessionClientAsync(NostrEventSigner.Generate());
        var before = await client.GetFromJsonAsync<MeBody>("/api/me");
        Assert.Null(before!.Name);

        using var put = await client.PutAsJsonAsync("/api/me/profile", new { name = "  Ada Lovelace ", color = "#12A594" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var me = await client.GetFromJsonAsync<MeBody>("/api/me");
        Assert.Equal("Ada Lovelace", me!.Name);
        Assert.Equal("#12a594", me.Color);
    }

    [Theory]
    [InlineData("{\"name\":\"\",\"color\":\"#123456\"}", "name")]
    [InlineData("{\"name\":\"   \",\"color\":\"#123456\"}", "name")]
    [InlineData("{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"color\":\"#123456\"}", "name")]
    [InlineData("{\"name\":\"bell\\u0007\",\"color\":\"#123456\"}", "name")]
    [InlineData("{\"color\":\"#123456\"}", "name")]
    [InlineData("{\"name\":\"Ada\",\"color\":\"red\"}", "color")]
    [InlineData("{\"name\":\"Ada\",\"color\":\"#12345g\"}", "color")]
    [InlineData("{\"name\":\"Ada\"}", "color")]
    public async Task A_bad_profile_is_refused_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var client = await factory.SessionClientAsync(NostrEventSigner.Generate());
        (await client.PutAsJsonAsync("/api/me/profile", new { name = "Kept", color = "#000000" })).EnsureSuccessStatusCode();

        using var response = await client.PutAsync("/api/me/profile", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("validation", problem.RootElement.GetProperty("code").GetString());
        Assert.StartsWith(field, problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("Kept", (await client.GetFromJsonAsync<MeBody>("/api/me"))!.Name);
    }

    [Fact]
    public async Task Setting_a_profile_needs_a_session()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.PutAsJsonAsync("/api/me/profile", new { name = "Ada", color = "#123456" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
