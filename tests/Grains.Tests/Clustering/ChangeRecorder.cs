using System.Threading.Channels;
using Orleans.Runtime;
using Orleans.Streams;
using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Tests.Clustering;

/// <summary>Subscribes the test client to a project's change stream and lets a test await a matching event.</summary>
sealed class ChangeRecorder : IAsyncDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    readonly Channel<NamespaceChanged> _events = Channel.CreateUnbounded<NamespaceChanged>();
    StreamSubscriptionHandle<NamespaceChanged>? _handle;

    public List<NamespaceChanged> Seen { get; } = [];

    public static async Task<ChangeRecorder> SubscribeAsync(IClusterClient client, string projectId)
    {
        var recorder = new ChangeRecorder();
        var stream = client.GetStreamProvider(StreamNames.Provider)
            .GetStream<NamespaceChanged>(StreamId.Create(StreamNames.Project, projectId));
        recorder._handle = await stream.SubscribeAsync((change, _) =>
        {
            recorder._events.Writer.TryWrite(change);
            return Task.CompletedTask;
        });
        return recorder;
    }

    /// <summary>The first not yet consumed event that matches; earlier non-matching ones are kept in <see cref="Seen"/>.</summary>
    public async Task<NamespaceChanged> WaitForAsync(Func<NamespaceChanged, bool> match)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                var change = await _events.Reader.ReadAsync(deadline.Token);
                Seen.Add(change);
                if (match(change))
                    return change;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching change within {Deadline}; saw: {string.Join("; ", Seen)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
            await _handle.UnsubscribeAsync();
    }
}
