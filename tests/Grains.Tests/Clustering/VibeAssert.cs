namespace Vibe.Grains.Tests.Clustering;

static class VibeAssert
{
    /// <summary>Asserts the call fails with a <see cref="VibeException"/> carrying <paramref name="code"/> (it crossed a grain boundary intact).</summary>
    public static async Task<VibeException> Code(string code, Func<Task> act)
    {
        var e = await Assert.ThrowsAsync<VibeException>(act);
        Assert.Equal(code, e.Code);
        return e;
    }
}
