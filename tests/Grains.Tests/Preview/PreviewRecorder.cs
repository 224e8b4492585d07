using System.Text.Json;
using System.Threading.Channels;
using Orleans.Streams;
using Vibe.Contracts.Preview;
using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Tests.Preview;

/// <summary>Records a preview's stream (<c>preview/{id}</c>) and its project stream, in order, so a test can await a message.</summary>
sealed class PreviewRecorder : IAsyncDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    readonly Channel<PreviewEvent> _preview = Channel.CreateUnbounded<PreviewEvent>();
    readonly Channel<ProjectEvent> _project = Channel.CreateUnbounded<ProjectEvent>();
    StreamSubscriptionHandle<PreviewEvent>? _previewHandle;
    StreamSubscriptionHandle<ProjectEvent>? _projectHandle;

    /// <summary>Every HMR message consumed so far (JSON), in order.</summary>
    public List<JsonElement> Hmr { get; } = [];
    public List<PreviewEvent> Seen { get; } = [];

    public static async Task<PreviewRecorder> SubscribeAsync(IClusterClient client, string projectId)
    {
        var recorder = new PreviewRecorder();
        var streams = client.GetStreamProvider(StreamNames.Provider);
        recorder._previewHandle = await streams.GetStream<PreviewEvent>(StreamId.Create(StreamNames.Preview, projectId))
            .SubscribeAsync((e, _) => { recorder._preview.Writer.TryWrite(e); return Task.CompletedTask; });
        recorder._projectHandle = await streams.GetStream<ProjectEvent>(StreamId.Create(StreamNames.Project, projectId))
            .SubscribeAsync((e, _) => { recorder._project.Writer.TryWrite(e); return Task.CompletedTask; });
        return recorder;
    }

    /// <summary>The next HMR message of a type other than "status" (statuses are recorded and skipped).</summary>
    public async Task<JsonElement> NextHmrAsync(string? skipType = "status")
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                var e = await _preview.Reader.ReadAsync(deadline.Token);
                Seen.Add(e);
                if (e is not PreviewHmr hmr)
                    continue;
                var message = JsonDocument.Parse(hmr.Json).RootElement.Clone();
                Hmr.Add(message);
                if (message.GetProperty("type").GetString() != skipType)
                    return message;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No HMR message within {Deadline}; saw: {string.Join("; ", Seen)}");
        }
    }

    public async Task<PreviewStatus> WaitForStatusAsync(Func<PreviewStatus, bool> match, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            while (true)
            {
                var e = await _preview.Reader.ReadAsync(cts.Token);
                Seen.Add(e);
                if (e is PreviewStatusChanged changed && match(changed.Status))
                    return changed.Status;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching status within {deadline}; saw: {string.Join("; ", Seen)}");
        }
    }

    public async Task<PreviewErrorReported> NextErrorReportAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                if (await _project.Reader.ReadAsync(deadline.Token) is PreviewErrorReported report)
                    return report;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No PreviewErrorReported within {Deadline}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_previewHandle is not null)
            await _previewHandle.UnsubscribeAsync();
        if (_projectHandle is not null)
            await _projectHandle.UnsubscribeAsync();
    }
}
