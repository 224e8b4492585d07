using Xunit;

namespace Vibe.Crdt.Interop.Tests.Findings;

/// <summary>Updates produced by yjs 13.6.33 (client 5 typing "a", "b", "c" in three transactions) delivered out of order.</summary>
public sealed class PendingMergeTests
{
    private static readonly byte[] U0 = Convert.FromBase64String("AQEFAAQBBHRleHQBYQA=");
    private static readonly byte[] U1 = Convert.FromBase64String("AQEFAYQFAAFiAA==");
    private static readonly byte[] U2 = Convert.FromBase64String("AQEFAoQFAQFjAA==");
    // yjs mergeUpdates([U0, U2]): "a", a Skip over clock 1, "c".
    private static readonly byte[] M02 = Convert.FromBase64String("AQMFAAQBBHRleHQBYQoBhAUBAWMA");
    private static readonly byte[] Expected = Convert.FromBase64String("AQEFAAQBBHRleHQDYWJjAA==");

    private static void AssertAbc(params byte[][] updates)
    {
        var doc = new Doc();
        foreach (var u in updates) Y.ApplyUpdate(doc, u);
        Assert.Equal("abc", doc.GetText("text").ToString());
        Assert.Equal(Convert.ToBase64String(Expected), Convert.ToBase64String(Y.EncodeStateAsUpdate(doc)));
    }

    [Fact]
    public void Merged_update_with_a_skip_then_the_skipped_update() => AssertAbc(M02, U1);

    [Fact]
    public void Later_update_first_then_the_skipped_one() => AssertAbc(U2, U1, U0);

    [Fact]
    public void Middle_update_first_then_merged_update_with_a_skip() => AssertAbc(U1, M02);

    [Fact]
    public void Merged_with_skip_twice_then_the_rest() => AssertAbc(M02, M02, U1, U0);
}
