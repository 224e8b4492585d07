using Vibe.Grains.Documents.Log;

namespace Vibe.Grains.Tests.Documents;

public sealed class GroupCommitTests
{
    /// <summary>A store that commits synchronously (like SQLite) and records its batches.</summary>
    sealed class Recorder
    {
        public readonly List<int[]> Batches = [];
        long _next;
        public Func<IReadOnlyList<int>, Task>? Before;

        public async Task<IReadOnlyList<long>> CommitAsync(IReadOnlyList<int> batch, CancellationToken ct)
        {
            if (Before is not null)
                await Before(batch);
            lock (Batches)
                Batches.Add([.. batch]);
            return batch.Select(_ => Interlocked.Increment(ref _next)).ToArray();
        }
    }

    [Fact]
    public async Task A_lone_append_is_committed_by_its_caller_before_the_call_returns()
    {
        var store = new Recorder();
        await using var commits = new GroupCommit<int>(store.CommitAsync);
        var ack = commits.EnqueueAsync(7);
        // No hand-off to a writer thread: the caller committed it on the spot.
        Assert.True(ack.IsCompletedSuccessfully);
        Assert.Equal(1, await ack);
        Assert.Equal([7], Assert.Single(store.Batches));
    }

    [Fact]
    public async Task The_caller_commits_what_queued_during_its_commit_before_it_returns_up_to_a_few_batches()
    {
        var store = new Recorder();
        var handedOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        GroupCommit<int>? commits = null;
        var acks = new List<Task<long>>();
        // Each batch's commit sees the next append queue behind it (another document's keystroke); the batch past
        // the caller's share waits at a gate, so what the caller did by itself can be counted.
        store.Before = batch =>
        {
            var item = batch[0];
            if (item == GroupCommit<int>.LeaderBatches)
                return handedOn.Task;
            acks.Add(commits!.EnqueueAsync(item + 1));
            return Task.CompletedTask;
        };
        commits = new GroupCommit<int>(store.CommitAsync);
        await using var _ = commits;

        var first = commits.EnqueueAsync(0);

        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal(GroupCommit<int>.LeaderBatches, store.Batches.Count);
        Assert.All(acks.Take(GroupCommit<int>.LeaderBatches - 1), ack => Assert.True(ack.IsCompletedSuccessfully));
        Assert.False(acks[GroupCommit<int>.LeaderBatches - 1].IsCompleted);
        handedOn.SetResult();
        var ids = await Task.WhenAll(acks.Prepend(first));
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(Enumerable.Range(0, GroupCommit<int>.LeaderBatches + 1), store.Batches.Select(b => Assert.Single(b)));
    }

    [Fact]
    public async Task Appends_queued_during_a_commit_share_the_next_batch_in_queue_order()
    {
        var store = new Recorder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Before = batch => batch[0] == 0 ? gate.Task : Task.CompletedTask;
        await using var commits = new GroupCommit<int>(store.CommitAsync);
        var first = commits.EnqueueAsync(0);
        var queued = Enumerable.Range(1, 10).Select(i => commits.EnqueueAsync(i)).ToList();
        Assert.False(first.IsCompleted);
        gate.SetResult();

        var ids = await Task.WhenAll(queued.Prepend(first));
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(2, store.Batches.Count);
        Assert.Equal(Enumerable.Range(1, 10), store.Batches[1]);
        Assert.Equal(10, commits.MaxBatchSize);
    }

    [Fact]
    public async Task A_failed_batch_fails_only_its_own_callers()
    {
        var store = new Recorder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Before = async batch =>
        {
            if (batch[0] == 0)
                await gate.Task;
            if (batch.Contains(-1))
                throw new IOException("disk full");
        };
        await using var commits = new GroupCommit<int>(store.CommitAsync);
        var first = commits.EnqueueAsync(0);
        var doomed = commits.EnqueueAsync(-1);
        gate.SetResult();
        await first;
        await Assert.ThrowsAsync<IOException>(() => doomed);
        Assert.Equal(2, await commits.EnqueueAsync(5));
        Assert.DoesNotContain(store.Batches, b => b.Contains(-1));
    }

    [Fact]
    public async Task Disposing_commits_what_is_queued_and_then_refuses_more()
    {
        var store = new Recorder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Before = batch => batch[0] == 0 ? gate.Task : Task.CompletedTask;
        var commits = new GroupCommit<int>(store.CommitAsync);
        var acks = Enumerable.Range(0, 5).Select(i => commits.EnqueueAsync(i)).ToList();
        var disposing = commits.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted);
        gate.SetResult();
        await disposing;
        Assert.All(acks, a => Assert.True(a.IsCompletedSuccessfully));
        Assert.Throws<ObjectDisposedException>(() => { _ = commits.EnqueueAsync(9); });
    }

    [Fact]
    public async Task Callers_that_arrive_during_a_commit_share_the_next_one()
    {
        var store = new Recorder { Before = _ => { Thread.Sleep(1); return Task.CompletedTask; } };
        await using var commits = new GroupCommit<int>(store.CommitAsync);
        // Concurrent callers need threads to run on: a test host's pool can be down to one free worker.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
                await commits.EnqueueAsync(w * 1000 + i);
        })));
        Assert.True(commits.MaxBatchSize > 1, $"max batch {commits.MaxBatchSize} of {store.Batches.Count} batches");
    }

    [Fact]
    public async Task Many_concurrent_callers_all_land_once_and_in_each_callers_order()
    {
        var store = new Recorder { Before = async _ => await Task.Yield() };
        await using var commits = new GroupCommit<int>(store.CommitAsync);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
                await commits.EnqueueAsync(w * 1000 + i);
        })));
        var all = store.Batches.SelectMany(b => b).ToList();
        Assert.Equal(1000, all.Count);
        Assert.Equal(1000, all.Distinct().Count());
        foreach (var writer in all.GroupBy(x => x / 1000))
            Assert.Equal(writer.Order(), writer);
    }
}
