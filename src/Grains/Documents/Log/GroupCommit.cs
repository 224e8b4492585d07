using System.Threading.Channels;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// Collects appends from many callers and commits them in batches from one writer loop: under load many
/// updates share one transaction (and one fsync), while a lone update is committed at once.
/// </summary>
public sealed class GroupCommit<T> : IAsyncDisposable
{
    readonly Channel<(T Item, TaskCompletionSource<long> Done)> _queue =
        Channel.CreateUnbounded<(T, TaskCompletionSource<long>)>(new UnboundedChannelOptions { SingleReader = true });
    readonly Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<long>>> _commit;
    readonly int _maxBatch;
    readonly CancellationTokenSource _stopping = new();
    readonly Task _writer;

    /// <param name="commit">Commits a batch in one transaction and returns one id per item, in order.</param>
    public GroupCommit(Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<long>>> commit, int maxBatch = 256)
    {
        _commit = commit;
        _maxBatch = maxBatch;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The largest batch committed so far (observability and tests).</summary>
    public int MaxBatchSize { get; private set; }

    public Task<long> EnqueueAsync(T item, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
            throw new ObjectDisposedException(nameof(GroupCommit<T>));
        return done.Task.WaitAsync(ct);
    }

    async Task WriteLoopAsync()
    {
        var batch = new List<(T Item, TaskCompletionSource<long> Done)>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
                batch.Add(next);
            if (batch.Count == 0)
                continue;
            MaxBatchSize = Math.Max(MaxBatchSize, batch.Count);
            try
            {
                var ids = await _commit(batch.Select(b => b.Item).ToList(), _stopping.Token).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Done.TrySetResult(ids[i]);
            }
            catch (Exception e)
            {
                // Nothing of a failed batch was committed; every caller in it hears so and may retry.
                foreach (var (_, done) in batch)
                    done.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
