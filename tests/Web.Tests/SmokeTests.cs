using System.Net;
using System.Net.Http.Json;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

public sealed class SmokeTests(VibeWebFactory factory) : IClassFixture<VibeWebFactory>
{
    [Fact]
    public async Task Node_uses_the_configured_data_directory()
    {
        var (client, _) = factory.ClientFor(NostrEventSigner.Generate());
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(File.Exists(Path.Combine(factory.DataDir, "vibe.db")));
    }
}
