using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Vibe.Contracts;
using Vibe.Contracts.Preview;
using Vibe.Grains.Identity;
using Vibe.Web.Preview;
using Vibe.Testing;

namespace Vibe.Web.Tests.Preview;

/// <summary>
/// A Vibe node on real Kestrel with both of its origins on loopback ports: the IDE's and the preview's
/// (<c>Vibe:PreviewUrl</c>). The preview is told apart by the port a request arrives on, which only a real
/// listener has, so these tests cannot use the in-memory test server.
/// </summary>
public sealed class PreviewNode : VibeWebFactory, IAsyncLifetime
{
    public Uri Ide { get; } = new($"http://127.0.0.1:{FreePorts.Next()}");
    public Uri PreviewOrigin { get; } = new($"http://127.0.0.1:{FreePorts.Next()}");

    public NostrEventSigner OwnerKey { get; } = NostrEventSigner.Generate();
    public HttpClient Owner { get; private set; } = null!;
    public string OwnerToken { get; private set; } = "";
    public string ProjectId { get; private set; } = "";

    public PreviewNode()
    {
        UseKestrel();
        Logs.MinimumLevel = LogLevel.Information;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", Ide.ToString().TrimEnd('/'));
        builder.UseSetting("Vibe:PreviewUrl", PreviewOrigin.ToString().TrimEnd('/'));
        builder.UseSetting("Logging:LogLevel:Vibe.Web.Preview", "Information");
    }

    /// <summary>Clients made by the factory talk to the IDE's port, not to the last address Kestrel bound.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.BaseAddress = Ide;
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        StartServer();
        OwnerToken = await SessionTokenAsync(OwnerKey);
        Owner = await SessionClientAsync(OwnerKey);
        ProjectId = (await Owner.CreateProjectAsync("Preview", "blank")).Id;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public PreviewTokens PreviewTokens => Services.GetRequiredService<PreviewTokens>();

    /// <summary>A browser-like client of the preview origin: it keeps cookies and does not follow redirects.</summary>
    public (HttpClient Client, CookieContainer Cookies) PreviewBrowser()
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = PreviewOrigin };
        return (client, cookies);
    }

    /// <summary>A preview browser that has exchanged a fresh token of <paramref name="pubkey"/> for the cookie.</summary>
    public async Task<(HttpClient Client, CookieContainer Cookies)> SignedInPreviewBrowserAsync(string projectId, string pubkey)
    {
        var browser = PreviewBrowser();
        var token = PreviewTokens.Issue(projectId, pubkey, TimeSpan.FromMinutes(5)).Token;
        using var response = await browser.Client.GetAsync($"/preview/{projectId}/?vibe_token={token}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public async Task<ClientWebSocket> OpenHmrAsync(string projectId, CookieContainer cookies)
    {
        var socket = new ClientWebSocket();
        var uri = new Uri($"ws://{PreviewOrigin.Authority}/preview/{projectId}/@vibe/hmr");
        socket.Options.Cookies = cookies;
        await socket.ConnectAsync(uri, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return socket;
    }

    public Task PublishAsync(PreviewEvent e) =>
        Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamNames.Provider)
            .GetStream<PreviewEvent>(StreamId.Create(StreamNames.Preview, e.ProjectId)).OnNextAsync(e);

    public async Task<T> GetJsonAsync<T>(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}

public static class HmrSockets
{
    /// <summary>The next text message, or null when the socket closes; fails after <paramref name="seconds"/>.</summary>
    public static async Task<string?> ReceiveTextAsync(this ClientWebSocket socket, int seconds = 30)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, deadline.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
                return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    /// <summary>Reads messages until one satisfies <paramref name="match"/>.</summary>
    public static async Task<string> ReceiveUntilAsync(this ClientWebSocket socket, Func<string, bool> match, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var seen = new List<string>();
        while (DateTime.UtcNow < until)
        {
            var text = await socket.ReceiveTextAsync((int)Math.Max(1, (until - DateTime.UtcNow).TotalSeconds));
            Assert.True(text is not null, $"the socket closed; messages so far: {string.Join(" | ", seen)}");
            if (match(text!))
                return text!;
            seen.Add(text!);
        }
        throw new TimeoutException($"no matching message within {seconds} s; got: {string.Join(" | ", seen)}");
    }

    public static Task SendTextAsync(this ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
}
