using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Vibe.Contracts;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Preview;

namespace Vibe.Web.Tests.Preview;

/// <summary>The preview's HMR socket and the IDE's status badge: what the web node relays from stream <c>preview/{id}</c>.</summary>
public sealed class PreviewHmrTests(PreviewNode node) : IClassFixture<PreviewNode>
{
    static string Hmr(string kind, string note) => JsonSerializer.Serialize(new { type = kind, reason = note });

    async Task<ClientWebSocket> OpenHmrAsync()
    {
        var (_, cookies) = await node.SignedInPreviewBrowserAsync(node.ProjectId, node.OwnerKey.PublicKeyHex);
        return await node.OpenHmrAsync(node.ProjectId, cookies);
    }

    /// <summary>
    /// An HMR socket past its first message: the node subscribes to the stream before it asks the grain for the
    /// connect messages, so once the first of them arrives, everything published from then on is relayed.
    /// </summary>
    async Task<ClientWebSocket> ConnectedHmrAsync()
    {
        var socket = await OpenHmrAsync();
        var first = await socket.ReceiveTextAsync();
        Assert.Contains("\"status\"", first);
        return socket;
    }

    async Task PublishAndReceiveAsync(ClientWebSocket socket, string json)
    {
        await node.PublishAsync(new PreviewHmr(node.ProjectId, json));
        await socket.ReceiveUntilAsync(m => m == json);
    }

    [Fact]
    public async Task Hmr_socket_relays_every_hmr_message_published_on_the_preview_stream()
    {
        using var first = await ConnectedHmrAsync();
        using var second = await ConnectedHmrAsync();

        var update = JsonSerializer.Serialize(new
        {
            type = "update",
            updates = new[] { new { path = "/src/App.tsx", url = $"/preview/{node.ProjectId}/src/App.tsx", t = 1732400000123 } },
        });
        await node.PublishAsync(new PreviewHmr(node.ProjectId, update));

        Assert.Equal(update, await first.ReceiveUntilAsync(m => m.Contains("\"update\"")));
        Assert.Equal(update, await second.ReceiveUntilAsync(m => m.Contains("\"update\"")));

        // Another project's messages are not this page's business.
        var elsewhere = Hmr("full-reload", "another project");
        await node.PublishAsync(new PreviewHmr("another-project", elsewhere));
        var mine = Hmr("full-reload", "mine");
        await node.PublishAsync(new PreviewHmr(node.ProjectId, mine));
        Assert.Equal(mine, await first.ReceiveUntilAsync(m => m.Contains("full-reload")));
    }

    [Fact]
    public async Task A_message_that_comes_pushed_and_by_the_stream_reaches_the_page_once()
    {
        // A project of its own: the preview grain publishes its status changes as HMR messages, sequenced by its
        // clock, and one of those arriving between the messages below would (rightly) make them look stale.
        // Sequences a day ahead keep the grain's out of the way, and no other test shares the entry they leave.
        var project = (await node.Owner.CreateProjectAsync("Pushed and streamed", "blank")).Id;
        var (_, cookies) = await node.SignedInPreviewBrowserAsync(project, node.OwnerKey.PublicKeyHex);
        using var socket = await node.OpenHmrAsync(project, cookies);
        Assert.Contains("\"status\"", await socket.ReceiveTextAsync());
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reading = Task.Run(async () =>
        {
            while (await socket.ReceiveTextAsync() is { } text)
                seen.Enqueue(text);
        });
        async Task SeenAsync(string json)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!seen.Contains(json))
            {
                Assert.True(DateTime.UtcNow < until, $"{json} never reached the page; got {string.Join(" | ", seen)}");
                await Task.Delay(20);
            }
        }

        var fanout = node.Services.GetRequiredService<Vibe.Web.Preview.PreviewFanout>();
        var sequence = DateTime.UtcNow.AddDays(1).Ticks;
        var pushed = Hmr("full-reload", "pushed first");
        var streamed = Hmr("full-reload", "streamed first");
        var last = Hmr("full-reload", "last");

        // What the grain's push calls on this node, then the stream's copy of the same message.
        await fanout.OnHmrAsync(new PreviewHmr(project, pushed, sequence));
        await node.PublishAsync(new PreviewHmr(project, pushed, sequence));
        // The other order: the stream's copy first, the push late.
        await node.PublishAsync(new PreviewHmr(project, streamed, sequence + 1));
        await SeenAsync(streamed);
        await fanout.OnHmrAsync(new PreviewHmr(project, streamed, sequence + 1));
        await node.PublishAsync(new PreviewHmr(project, last, sequence + 2));
        await SeenAsync(last);

        Assert.Single(seen, m => m == pushed);
        Assert.Single(seen, m => m == streamed);
        Assert.Single(seen, m => m == last);
        socket.Abort();
        await reading.ContinueWith(_ => { });
    }

    [Fact]
    public async Task Connecting_page_first_gets_the_grains_connect_messages()
    {
        var expected = await node.Grains().GetGrain<IPreviewGrain>(node.ProjectId).ConnectAsync();
        using var socket = await OpenHmrAsync();
        foreach (var message in expected)
        {
            using var doc = JsonDocument.Parse(message);
            var type = doc.RootElement.GetProperty("type").GetString();
            var received = await socket.ReceiveTextAsync();
            Assert.NotNull(received);
            using var got = JsonDocument.Parse(received!);
            Assert.Equal(type, got.RootElement.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task Malformed_page_messages_are_ignored_with_a_log_line_and_the_socket_stays_open()
    {
        using var socket = await ConnectedHmrAsync();
        var bad = new[]
        {
            "this is not json",
            "[1,2,3]",
            "{\"no\":\"type\"}",
            "{\"type\":\"runtime-error\"}",
            "{\"type\":\"runtime-error\",\"message\":42}",
            "{\"type\":\"runtime-error\",\"message\":\"x\",\"line\":-3}",
            "{\"type\":\"runtime-error\",\"message\":\"x\",\"line\":\"seven\"}",
            "{\"type\":\"runtime-error\",\"message\":\"" + new string('x', 100_000) + "\"}",
        };
        foreach (var text in bad)
            await socket.SendTextAsync(text);
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        // A message of another type (a newer client, a ping) is not an error at all.
        await socket.SendTextAsync("{\"type\":\"ping\"}");

        // Still open and relaying.
        await PublishAndReceiveAsync(socket, Hmr("full-reload", "after the garbage"));
        Assert.Equal(WebSocketState.Open, socket.State);
        var ignored = node.Logs.Entries.Count(e => e.Message.Contains("ignored a malformed page message") || e.Message.Contains("ignored a page message over")
            || e.Message.Contains("ignored a binary page message"));
        Assert.True(ignored >= bad.Length + 1, $"{ignored} log lines for {bad.Length + 1} bad messages");
    }

    [Fact]
    public async Task Runtime_error_from_the_page_reaches_the_project_stream_with_its_place()
    {
        var reported = new TaskCompletionSource<PreviewErrorReported>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = node.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamNames.Provider)
            .GetStream<ProjectEvent>(StreamId.Create(StreamNames.Project, node.ProjectId));
        var handle = await stream.SubscribeAsync((e, _) =>
        {
            if (e is PreviewErrorReported { Kind: "runtime" } r && r.Error.Message.Contains("boom"))
                reported.TrySetResult(r);
            return Task.CompletedTask;
        });
        try
        {
            using var socket = await ConnectedHmrAsync();
            await socket.SendTextAsync(JsonSerializer.Serialize(new
            {
                type = "runtime-error", message = "Uncaught Error: boom", file = "/src/App.tsx", line = 3, column = 5,
                stack = "Error: boom\n    at App (/src/App.tsx:3:5)",
            }));
            var error = (await reported.Task.WaitAsync(TimeSpan.FromSeconds(30))).Error;
            Assert.Equal(("/src/App.tsx", 3, 5), (error.File, error.Line, error.Column));
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task An_open_ide_tab_does_not_keep_an_idle_preview_activated()
    {
        var project = (await node.Owner.CreateProjectAsync("Idle preview", "blank")).Id;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Ide, "/hubs/collab"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(node.OwnerToken))
            .AddMessagePackProtocol()
            .Build();
        await hub.StartAsync();
        await hub.InvokeAsync<object>("JoinProject", project);
        var management = node.Grains().GetGrain<IManagementGrain>(0);
        async Task<bool> PreviewActiveAsync() =>
            (await management.GetDetailedGrainStatistics()).Any(s => s.GrainId.Type.ToString() == "preview" && s.GrainId.Key.ToString() == project);
        // The badge asks for the status: the grain is activated, and the check sees it.
        await node.Grains().GetGrain<IPreviewGrain>(project).GetStatusAsync();
        Assert.True(await PreviewActiveAsync());

        await management.ForceActivationCollection(TimeSpan.Zero);
        // The tab follows the preview by its stream; no listener renewal brings the grain back.
        await Task.Delay(Vibe.Contracts.Documents.DocumentListening.RenewEvery + TimeSpan.FromSeconds(2));
        Assert.False(await PreviewActiveAsync());
    }

    [Fact]
    public async Task Preview_status_changes_reach_the_ide_through_the_project_group()
    {
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.Ide, "/hubs/collab"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(node.OwnerToken))
            .AddMessagePackProtocol()
            .Build();
        var statuses = System.Threading.Channels.Channel.CreateUnbounded<(string Project, Dictionary<object, object> Status)>();
        hub.On<string, Dictionary<object, object>>("PreviewStatus", (project, status) => statuses.Writer.TryWrite((project, status)));
        await hub.StartAsync();
        await hub.InvokeAsync<object>("JoinProject", node.ProjectId);

        var since = DateTimeOffset.UtcNow;
        await node.PublishAsync(new PreviewStatusChanged(node.ProjectId, new PreviewStatus(PreviewState.Error, "npm install failed: E404", since)));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (project, status) = await statuses.Reader.ReadAsync(deadline.Token);
            Assert.Equal(node.ProjectId, project);
            if (Equals(status["status"], "error"))
            {
                Assert.Equal("npm install failed: E404", status["message"]);
                break;
            }
        }
    }
}

static class NodeGrains
{
    public static IGrainFactory Grains(this PreviewNode node) => node.Services.GetRequiredService<IGrainFactory>();
}
