using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Vibe.Grains.Identity;
using Vibe.Web;
using Vibe.Testing;

namespace Vibe.Collab.Tests;

/// <summary>
/// An embedded Vibe node in this process on real Kestrel (a loopback port), so SignalR, raw WebSockets
/// and node's y-websocket client all reach it exactly as a browser would.
/// </summary>
public sealed class VibeNode : IAsyncLifetime
{
    WebApplication? _app;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "vibe-collab-" + Guid.NewGuid().ToString("N")[..10]);
    public Uri BaseAddress { get; private set; } = null!;
    public IGrainFactory Grains => _app!.Services.GetRequiredService<IGrainFactory>();
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        // The silo's ports are chosen before it binds them; should one be taken meanwhile, start again on new ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (Exception e) when (attempt < 3 && FreePorts.IsAddressInUse(e))
            {
                try
                {
                    await StopAsync();
                }
                catch (Exception)
                {
                    // A node that never finished starting may not stop cleanly; its ports are released either way.
                }
            }
        }
    }

    async Task StartAsync()
    {
        var previewPort = FreePorts.Next();
        _app = await VibeHost.BuildAsync([
            "--urls=http://127.0.0.1:0",
            $"--Vibe:DataDir={DataDir}",
            $"--Vibe:SiloPort={FreePorts.Next()}",
            $"--Vibe:GatewayPort={FreePorts.Next()}",
            $"--Vibe:PreviewUrl=http://127.0.0.1:{previewPort}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.SignalR=Debug",
        ]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => new Uri(a).Port != previewPort);
        BaseAddress = new Uri(address);
    }

    /// <summary>A signed-in user: an HTTP client with a session token, and the token itself.</summary>
    public async Task<User> SignInAsync(NostrEventSigner? signer = null)
    {
        signer ??= NostrEventSigner.Generate();
        var handler = new Nip98SigningHandler(signer, new HttpClientHandler());
        var http = new HttpClient(handler) { BaseAddress = BaseAddress };
        var session = await (await http.PostAsync("/api/auth/session", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Session>();
        handler.BearerToken = session!.Token;
        return new User(signer, http, session.Token, this);
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    async Task StopAsync()
    {
        if (_app is null)
            return;
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    sealed record Session(string Token);
}

public sealed record User(NostrEventSigner Signer, HttpClient Http, string Token, VibeNode Node)
{
    public string Pubkey => Signer.PublicKeyHex;

    public async Task<string> CreateProjectAsync(string template = "blank")
    {
        var response = await Http.PostAsJsonAsync("/api/projects", new { name = "Collab", template });
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Project>())!.Id;
    }

    public async Task AddMemberAsync(string project, User member, string role) =>
        (await Http.PutAsJsonAsync($"/api/projects/{project}/members/{member.Pubkey}", new { role })).EnsureSuccessStatusCode();

    public async Task PutAsync(string project, string path, string text) =>
        (await Http.PutAsync($"/api/projects/{project}/files/{path}", new StringContent(text))).EnsureSuccessStatusCode();

    public async Task<string> ReadAsync(string project, string path) =>
        await (await Http.GetAsync($"/api/projects/{project}/files/{path}")).EnsureSuccessStatusCode().Content.ReadAsStringAsync();

    public async Task<HubConnection> ConnectHubAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Node.BaseAddress, "/hubs/collab"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(Token))
            .AddMessagePackProtocol()
            .Build();
        await connection.StartAsync();
        return connection;
    }

    sealed record Project(string Id);
}
