using Xunit;

namespace Vibe.Crdt.Tests;

/// <summary>
/// Golden outputs computed by yjs 13.6.33 (mergeUpdates, diffUpdate, encodeStateVectorFromUpdate, and
/// encodeStateAsUpdate after applying a case's updates in reverse so that content goes pending) for
/// every 28th case of the small dataset. Each line: case, updates, merged, sv, diff, svFromUpdate, state, stateSinceSv.
/// </summary>
public sealed class UpdateVectorTests
{
    public static IEnumerable<object[]> Lines() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "yjs-update-vectors.txt"))
            .Select(l => l.Split(' '))
            .Where(f => f.Length >= 8 && f[1].Length > 0)
            .Select(f => new object[] { f });

    private static byte[] B(string s) => Convert.FromBase64String(s);

    [Theory]
    [MemberData(nameof(Lines))]
    public void Update_functions_produce_the_bytes_yjs_produces(string[] f)
    {
        var updates = f[1].Split(',').Select(B).ToList();
        Assert.Equal(f[2], Convert.ToBase64String(Y.MergeUpdates(updates)));
        Assert.Equal(f[4], Convert.ToBase64String(Y.DiffUpdate(B(f[2]), B(f[3]))));
        Assert.Equal(f[5], Convert.ToBase64String(Y.EncodeStateVectorFromUpdate(B(f[2]))));
        var reversed = new Doc();
        foreach (var u in Enumerable.Reverse(updates)) Y.ApplyUpdate(reversed, u);
        Assert.Equal(f[6], Convert.ToBase64String(Y.EncodeStateAsUpdate(reversed)));
        Assert.Equal(f[7], Convert.ToBase64String(Y.EncodeStateAsUpdate(reversed, B(f[3]))));
    }
}
