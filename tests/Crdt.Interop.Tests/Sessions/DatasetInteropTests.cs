using System.Text.Json.Nodes;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Interop.Tests.Harness;
using Xunit;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>yjs-made updates from the shared data sets decode in Vibe.Crdt to the same state, re-encoded byte for byte.</summary>
public sealed class DatasetInteropTests(YjsFixture fixture) : IClassFixture<YjsFixture>
{
    private (string Json, string V1, string V2) Yjs(IEnumerable<byte[]> updates)
    {
        var arr = new JsonArray();
        foreach (var u in updates) arr.Add(Convert.ToBase64String(u));
        var r = fixture.Host.Call(new JsonObject { ["cmd"] = "replay", ["updates"] = arr, ["text"] = "text", ["map"] = "map", ["array"] = "array" })!;
        return (r["json"]!.GetValue<string>(), r["v1"]!.GetValue<string>(), r["v2"]!.GetValue<string>());
    }

    private static (string Json, string V1, string V2) Vibe(IEnumerable<byte[]> updates)
    {
        var doc = new Doc();
        foreach (var u in updates) Y.ApplyUpdate(doc, u);
        var json = new JsObject { ["text"] = doc.GetText("text").ToString(), ["map"] = doc.GetMap("map").ToJson(), ["array"] = doc.GetArray("array").ToJson() };
        return (JsonText.Stringify(json), Convert.ToBase64String(Y.EncodeStateAsUpdate(doc)), Convert.ToBase64String(Y.EncodeStateAsUpdateV2(doc)));
    }

    [Fact]
    public void Every_small_dataset_case_reencodes_to_the_bytes_yjs_produces()
    {
        var data = File.ReadAllBytes(RepoLayout.DataFile("small-test-dataset.bin"));
        var r = new Lib0Reader(data);
        var cases = r.ReadVarUint();
        var failures = new List<string>();
        for (var c = 0; c < cases; c++)
        {
            var n = r.ReadVarUint();
            var updates = new List<byte[]>();
            for (var i = 0; i < n; i++) updates.Add(r.ReadVarBytes());
            r.ReadVarString();
            r.ReadAny();
            r.ReadAny();
            var want = Yjs(updates);
            var got = Vibe(updates);
            if (CanonicalJson.Of(want.Json) != CanonicalJson.Of(got.Json)) failures.Add($"case {c}: toJSON yjs {want.Json} vibe {got.Json}");
            else if (want.V1 != got.V1) failures.Add($"case {c}: v1 yjs {want.V1} vibe {got.V1}");
            else if (want.V2 != got.V2) failures.Add($"case {c}: v2 yjs {want.V2} vibe {got.V2}");
            if (failures.Count >= 10) break;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Whole_b4_document_reencodes_to_the_bytes_yjs_produces()
    {
        var b4 = File.ReadAllBytes(RepoLayout.DataFile("b4-update.bin"));
        var want = Yjs([b4]);
        var got = Vibe([b4]);
        Assert.Equal(want.Json, got.Json);
        Assert.True(want.V1 == got.V1, "v1 differs");
        Assert.True(want.V2 == got.V2, "v2 differs");
    }
}
