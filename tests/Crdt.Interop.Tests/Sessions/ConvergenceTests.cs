using Xunit;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>Randomised concurrent sessions between yjs and Vibe.Crdt peers end in byte-identical states.</summary>
public sealed class ConvergenceTests(YjsFixture fixture) : IClassFixture<YjsFixture>
{
    public const int SeedCount = 1000;

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, SeedCount).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mixed_yjs_and_vibe_peers_converge_to_identical_json_and_update_bytes(int seed)
    {
        var failure = new Session(fixture.Host, seed, SessionFeatures.FromEnvironment(), fixture.VibeAcceptsV2).Run();
        if (failure != null)
        {
            // Replay the same seed with a yjs twin beside each Vibe.Crdt peer to name the first step that differs.
            var diagnosis = new Session(fixture.Host, seed, SessionFeatures.FromEnvironment(), fixture.VibeAcceptsV2, shadow: true).Run();
            Assert.Fail(failure + "\n" + (diagnosis ?? "(the shadowed replay converged)"));
        }
    }
}
