using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Vibe.Grains.Identity;
using Vibe.Testing;

namespace Vibe.Web.Tests;

/// <summary>
/// One embedded Vibe node (co-hosted silo on SQLite in a temp data directory) per test class. The silo
/// opens real TCP ports even under the test server, so each factory gets free ones.
/// </summary>
public class VibeWebFactory : WebApplicationFactory<Program>
{
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "vibe-web-" + Guid.NewGuid().ToString("N")[..10]);

    public NostrEventSigner Admin { get; } = NostrEventSigner.Generate();

    public const long MaxFileBytes = 1024 * 1024;

    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Vibe:DataDir", DataDir);
        builder.UseSetting("Vibe:SiloPort", FreePorts.Next().ToString());
        builder.UseSetting("Vibe:GatewayPort", FreePorts.Next().ToString());
        builder.UseSetting("Vibe:Admins:0", Admin.PublicKeyHex);
        builder.UseSetting("Vibe:MaxFileBytes", MaxFileBytes.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    /// <summary>An HTTP client that signs as <paramref name="user"/>.</summary>
    public (HttpClient Client, Nip98Handler Handler) ClientFor(NostrEventSigner user)
    {
        var handler = new Nip98Handler(user);
        var client = CreateDefaultClient(handler);
        return (client, handler);
    }

    /// <summary>A client that sends no credentials at all.</summary>
    public HttpClient AnonymousClient() => CreateDefaultClient();

    /// <summary>Signs in as <paramref name="user"/> with NIP-98 once and returns a client that sends the session token.</summary>
    public async Task<HttpClient> SessionClientAsync(NostrEventSigner user)
    {
        var token = await SessionTokenAsync(user);
        var client = CreateDefaultClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> SessionTokenAsync(NostrEventSigner user)
    {
        var (signed, _) = ClientFor(user);
        using var response = await signed.PostAsync("/api/auth/session", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = await response.Content.ReadFromJsonAsync<SessionBody>();
        return session!.Token;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

public sealed record SessionBody(string Token, DateTimeOffset ExpiresAt, string Pubkey);
