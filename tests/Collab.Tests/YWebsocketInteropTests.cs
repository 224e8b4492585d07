namespace Vibe.Collab.Tests;

/// <summary>node's stock y-websocket provider (yjs 13.6, y-websocket 3.1) against /yjs/{project}/{path}.</summary>
public sealed class YWebsocketInteropTests(VibeNode node) : IClassFixture<VibeNode>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stock_providers_converge_and_agree_with_rest_both_ways()
    {
        var alice = await node.SignInAsync();
        var project = await alice.CreateProjectAsync();
        await alice.PutAsync(project, "src/shared.ts", "const shared = 1;\n");

        await using var script = NodeScript.Start("interop.mjs", node.BaseAddress.ToString(), alice.Token, project, "src/shared.ts");
        var synced = await script.ExpectAsync("synced", Deadline);
        Assert.Equal("const shared = 1;\n", synced.GetProperty("text").GetString());

        var converged = await script.ExpectAsync("converged", Deadline);
        Assert.Equal(80, converged.GetProperty("markers").GetInt32());

        await script.ExpectAsync("rest-put-seen", Deadline);
        var done = await script.ExpectAsync("done", Deadline);
        var final = done.GetProperty("text").GetString();
        Assert.StartsWith("provider edit\nrest wrote this", final);
        Assert.Equal(final, await alice.ReadAsync(project, "src/shared.ts"));
    }
}
