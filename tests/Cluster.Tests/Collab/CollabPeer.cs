using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Vibe.Crdt;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;
using Vibe.Grains.Identity;

namespace Vibe.Cluster.Tests.Collab;

/// <summary>A signed-in user of one Vibe web node: REST with a session token, plus the token for the hub.</summary>
public sealed class VibeUser(NostrEventSigner signer, HttpClient http, string token) : IDisposable
{
    public NostrEventSigner Signer => signer;
    public HttpClient Http => http;
    public string Token => token;

    public static async Task<VibeUser> SignInAsync(string baseUrl, NostrEventSigner signer)
    {
        var handler = new Nip98SigningHandler(signer, new HttpClientHandler());
        var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var session = await (await http.PostAsync("/api/auth/session", null)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Session>();
        handler.BearerToken = session!.Token;
        return new VibeUser(signer, http, session.Token);
    }

    public async Task<string> CreateProjectAsync()
    {
        var response = await Http.PostAsJsonAsync("/api/projects", new { name = "Collab", template = "blank" });
        return (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Project>())!.Id;
    }

    public async Task PutAsync(string project, string path, string text) =>
        (await Http.PutAsync($"/api/projects/{project}/files/{path}", new StringContent(text))).EnsureSuccessStatusCode();

    public async Task<string> ReadAsync(string project, string path) =>
        await (await Http.GetAsync($"/api/projects/{project}/files/{path}")).EnsureSuccessStatusCode().Content.ReadAsStringAsync();

    public void Dispose() => Http.Dispose();

    sealed record Session(string Token);
    sealed record Project(string Id);
}

/// <summary>
/// A C# Yjs editor on /hubs/collab. <see cref="InsertAsync"/> returns once the hub invocation completed,
/// which the server does only after the document grain committed the update: that is the acknowledgement.
/// </summary>
public sealed class CollabPeer : IAsyncDisposable
{
    readonly Doc _doc = new();
    readonly HubConnection _hub;
    readonly WebsocketMessages _messages;

    CollabPeer(HubConnection hub)
    {
        _hub = hub;
        _messages = new WebsocketMessages(_doc, new Awareness(_doc));
        hub.On<string, byte[]>("Frame", (id, frame) =>
        {
            byte[]? reply;
            lock (_doc)
                reply = _messages.Handle(frame, "remote");
            if (reply is not null)
                _ = _hub.InvokeAsync("SendFrame", id, reply).ContinueWith(_ => { }, TaskScheduler.Default);
        });
    }

    public string DocumentId { get; private set; } = "";

    public string Text { get { lock (_doc) return _doc.GetText("content").ToString(); } }

    public static async Task<CollabPeer> JoinAsync(string baseUrl, string token, string project, string path, CancellationToken ct = default)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(baseUrl), "/hubs/collab"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddMessagePackProtocol()
            .Build();
        await hub.StartAsync(ct);
        var peer = new CollabPeer(hub);
        var joined = await hub.InvokeAsync<Dictionary<string, object?>>("JoinDocument", project, path, ct);
        peer.DocumentId = (string)joined["documentId"]!;
        byte[] step1;
        lock (peer._doc)
            step1 = peer._messages.SyncStep1Frame();
        await hub.InvokeAsync("SendFrame", peer.DocumentId, step1, ct);
        return peer;
    }

    /// <summary>Inserts locally and sends the update; completes when the server acknowledged it.</summary>
    public Task InsertAsync(int index, string text, CancellationToken ct = default)
    {
        byte[]? update = null;
        void Capture(byte[] u, object? _, Transaction __) => update = u;
        lock (_doc)
        {
            _doc.Update += Capture;
            try
            {
                var content = _doc.GetText("content");
                content.Insert(Math.Min(index, (int)content.Length), text);
            }
            finally
            {
                _doc.Update -= Capture;
            }
        }
        return _hub.InvokeAsync("SendFrame", DocumentId, WebsocketMessages.UpdateFrame(update!), ct);
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}

/// <summary>Editors that each insert numbered markers one acknowledged update at a time until stopped or refused.</summary>
public sealed class MarkerWriters
{
    public readonly ConcurrentBag<string> Acknowledged = [];

    public Task RunAsync(IReadOnlyList<CollabPeer> peers, string prefix, CancellationToken stop) =>
        Task.WhenAll(peers.Select((peer, p) => Task.Run(async () =>
        {
            for (var k = 0; !stop.IsCancellationRequested; k++)
            {
                var marker = $"<{prefix}{p}-{k}>";
                try
                {
                    await peer.InsertAsync(0, marker + "\n", stop);
                }
                catch (Exception)
                {
                    // Unacknowledged: the server promised nothing, and later updates would depend on this one.
                    return;
                }
                Acknowledged.Add(marker);
            }
        })));
}
