using Vibe.Contracts.Documents;
using Vibe.Grains.Documents;

namespace Vibe.Grains.Tests.Documents;

public sealed class FrameChainTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    static DocumentFrame Update(long version, long previous) =>
        new("p/a.txt", DocumentFrameKind.Update, [(byte)version], null, version, previous);

    static long[] Versions(IEnumerable<DocumentFrame> frames) => [.. frames.Select(f => f.Version)];

    [Fact]
    public void Frames_in_the_order_they_were_sent_are_applied_at_once()
    {
        var chain = new FrameChain(known: 10);
        Assert.Equal([12], Versions(chain.Accept(Update(12, 10), T0)));
        Assert.Equal([15], Versions(chain.Accept(Update(15, 12), T0)));
        Assert.Equal(15, chain.Known);
        Assert.Equal(0, chain.Waiting);
    }

    [Fact]
    public void An_overtaking_frame_waits_and_goes_right_after_the_one_it_overtook()
    {
        var chain = new FrameChain(known: 10);
        Assert.Empty(chain.Accept(Update(17, 15), T0));
        Assert.Empty(chain.Accept(Update(15, 12), T0));
        Assert.Equal(2, chain.Waiting);

        Assert.Equal([12, 15, 17], Versions(chain.Accept(Update(12, 10), T0)));
        Assert.Equal((17, 0), (chain.Known, chain.Waiting));
    }

    [Fact]
    public void A_frame_the_listener_already_holds_is_applied_again_harmlessly_and_moves_nothing_back()
    {
        var chain = new FrameChain(known: 20);
        Assert.Equal([12], Versions(chain.Accept(Update(12, 10), T0)));
        Assert.Equal(20, chain.Known);
    }

    [Fact]
    public void A_frame_waiting_longer_than_the_patience_means_a_lost_one()
    {
        var chain = new FrameChain(known: 10);
        chain.Accept(Update(15, 12), T0);
        Assert.False(chain.IsStuck(T0.AddMilliseconds(900), TimeSpan.FromSeconds(1)));
        Assert.True(chain.IsStuck(T0.AddSeconds(2), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_restart_from_a_snapshot_releases_what_follows_it_and_keeps_waiting_for_the_rest()
    {
        var chain = new FrameChain(known: 10);
        chain.Accept(Update(15, 12), T0);
        chain.Accept(Update(30, 25), T0);

        // The snapshot includes 12 (lost on the way): 15 follows it; 30 still waits for 25.
        Assert.Equal([15], Versions(chain.Restart(12, T0.AddSeconds(2))));
        Assert.Equal((15, 1), (chain.Known, chain.Waiting));
        Assert.False(chain.IsStuck(T0.AddSeconds(2.5), TimeSpan.FromSeconds(1)));
        Assert.Equal([25, 30], Versions(chain.Accept(Update(25, 15), T0.AddSeconds(3))));
    }

    [Fact]
    public void Before_its_first_snapshot_a_new_chain_holds_every_frame()
    {
        var chain = new FrameChain(long.MinValue);
        Assert.Empty(chain.Accept(Update(5, 0), T0));
        Assert.Equal([5], Versions(chain.Restart(3, T0)));
    }
}
