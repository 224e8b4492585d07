using Vibe.Grains.Identity;

namespace Vibe.Identity.Tests;

public sealed class InMemoryNip98ReplayGuardTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task An_id_is_consumed_only_once_until_it_expires()
    {
        var time = new ManualTimeProvider(Now);
        var guard = new InMemoryNip98ReplayGuard(time);
        Assert.True(await guard.TryConsumeAsync("a", Now.AddSeconds(60), CancellationToken.None));
        Assert.False(await guard.TryConsumeAsync("a", Now.AddSeconds(60), CancellationToken.None));
        Assert.True(await guard.TryConsumeAsync("b", Now.AddSeconds(60), CancellationToken.None));

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(await guard.TryConsumeAsync("a", Now.AddSeconds(200), CancellationToken.None));
        Assert.False(await guard.TryConsumeAsync("a", Now.AddSeconds(200), CancellationToken.None));
    }

    [Fact]
    public async Task Expired_ids_are_evicted()
    {
        var time = new ManualTimeProvider(Now);
        var guard = new InMemoryNip98ReplayGuard(time);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(await guard.TryConsumeAsync($"id{i}", Now.AddSeconds(61), CancellationToken.None));
        }
        Assert.Equal(100, guard.Count);

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await guard.TryConsumeAsync("fresh", time.Now.AddSeconds(61), CancellationToken.None));
        Assert.Equal(1, guard.Count);

        time.Advance(TimeSpan.FromSeconds(62));
        guard.EvictExpired();
        Assert.Equal(0, guard.Count);
    }

    [Fact]
    public async Task Concurrent_consumers_of_one_id_admit_exactly_one()
    {
        var guard = new InMemoryNip98ReplayGuard(new ManualTimeProvider(Now));
        var attempts = Enumerable.Range(0, 64)
            .Select(_ => Task.Run(async () => await guard.TryConsumeAsync("same", Now.AddSeconds(60), CancellationToken.None)));
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, admitted => admitted);
    }

    [Fact]
    public async Task Cancelled_token_is_honoured()
    {
        var guard = new InMemoryNip98ReplayGuard(new ManualTimeProvider(Now));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await guard.TryConsumeAsync("a", Now, cts.Token));
    }
}
