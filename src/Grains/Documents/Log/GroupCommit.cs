using System.Collections.Concurrent;

namespace Vibe.Grains.Documents.Log;

/// <summary>
/// Commits appends in batches, one batch at a time: under load many updates share one transaction (and one
/// fsync), while a lone update is committed at once, by its own caller.
/// </summary>
/// <remarks>
/// The caller that finds no commit running becomes the committer: it commits what is queued (its own item
/// included) on its own thread, so a keystroke's commit costs no thread hops (handing it to a writer thread and
/// back were two wake-ups in every keystroke's path, a millisecond or two each in the tail on a busy two-core
/// machine, bench/Collab.Bench). It also commits what queued meanwhile, up to <see cref="LeaderBatches"/>
/// batches in all; anything beyond is committed by a pool thread. Batches never overlap and go in queue order, so ids grow in that order.
/// </remarks>
public sealed class GroupCommit<T> : IAsyncDisposable
{
    readonly ConcurrentQueue<(T Item, TaskCompletionSource<long> Done)> _queue = new();
    readonly Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<long>>> _commit;
    readonly int _maxBatch;
    readonly CancellationTokenSource _stopping = new();
    readonly TaskCompletionSource _idleAfterDispose = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>
    /// The batch being committed and its items, reused from batch to batch (batches never overlap): a keystroke
    /// allocated both anew, and the runtime's collections pause every keystroke in flight (bench/Collab.Bench).
    /// </summary>
    readonly List<(T Item, TaskCompletionSource<long> Done)> _batch = new(16);
    readonly List<T> _items = new(16);
    int _committing;
    volatile bool _disposed;
    int _maxBatchSize;

    /// <param name="commit">
    /// Commits a batch in one transaction and returns one id per item, in order. The list it gets is reused for
    /// the next batch once its task completes: it must not keep it.
    /// </param>
    public GroupCommit(Func<IReadOnlyList<T>, CancellationToken, Task<IReadOnlyList<long>>> commit, int maxBatch = 256)
    {
        _commit = commit;
        _maxBatch = maxBatch;
    }

    /// <summary>The largest batch committed so far (observability and tests).</summary>
    public int MaxBatchSize => Volatile.Read(ref _maxBatchSize);

    /// <summary>
    /// Queues <paramref name="item"/> and completes once its batch is committed. Completion runs the caller's
    /// continuation without a hop through the thread pool (grains continue on their own scheduler anyway), so a
    /// caller outside a grain must keep its continuation short.
    /// </summary>
    public Task<long> EnqueueAsync(T item, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var done = new TaskCompletionSource<long>();
        _queue.Enqueue((item, done));
        if (Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
            _ = CommitAsLeaderAsync();
        return ct.CanBeCanceled ? done.Task.WaitAsync(ct) : done.Task;
    }

    /// <summary>
    /// How many batches the committing caller takes on beyond its own before it hands the rest to a pool thread:
    /// what queued during its commit (other documents' keystrokes, typically one batch) costs it a tenth of a
    /// millisecond, while a hand-off wakes a thread for it (bench/Collab.Bench); the cap keeps a caller from
    /// committing for others for long under sustained load.
    /// </summary>
    public const int LeaderBatches = 4;

    /// <summary>Up to <see cref="LeaderBatches"/> batches on the caller's thread, then whatever still queues on the pool.</summary>
    async Task CommitAsLeaderAsync()
    {
        for (var i = 0; i < LeaderBatches && !_queue.IsEmpty; i++)
            await CommitBatchAsync().ConfigureAwait(false);
        if (!_queue.IsEmpty)
            ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.DrainAsync(), this, preferLocal: false);
        else
            Release();
    }

    async Task DrainAsync()
    {
        while (!_queue.IsEmpty)
            await CommitBatchAsync().ConfigureAwait(false);
        Release();
    }

    /// <summary>Stops committing, unless an item slipped in after the last look: then a pool thread commits it.</summary>
    void Release()
    {
        Volatile.Write(ref _committing, 0);
        if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.DrainAsync(), this, preferLocal: false);
            return;
        }
        if (_disposed && Volatile.Read(ref _committing) == 0 && _queue.IsEmpty)
            _idleAfterDispose.TrySetResult();
    }

    async Task CommitBatchAsync()
    {
        while (_batch.Count < _maxBatch && _queue.TryDequeue(out var next))
        {
            _batch.Add(next);
            _items.Add(next.Item);
        }
        if (_batch.Count == 0)
            return;
        if (_batch.Count > Volatile.Read(ref _maxBatchSize))
            Volatile.Write(ref _maxBatchSize, _batch.Count);
        try
        {
            // The commit function reads the items during the call only.
            var ids = await _commit(_items, _stopping.Token).ConfigureAwait(false);
            for (var i = 0; i < _batch.Count; i++)
                _batch[i].Done.TrySetResult(ids[i]);
        }
        catch (Exception e)
        {
            // Nothing of a failed batch was committed; every caller in it hears so and may retry.
            foreach (var (_, done) in _batch)
                done.TrySetException(e);
        }
        finally
        {
            _batch.Clear();
            _items.Clear();
        }
    }

    /// <summary>Refuses new items and waits until everything queued before is committed.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (Interlocked.CompareExchange(ref _committing, 1, 0) == 0)
            await DrainAsync().ConfigureAwait(false);
        await _idleAfterDispose.Task.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
