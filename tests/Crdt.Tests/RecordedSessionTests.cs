using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Vibe.Crdt.Tests;

/// <summary>
/// Random editing sessions recorded from yjs 13.6.33 (text with formats, embeds and astral characters, maps,
/// arrays; single peer and three syncing peers): replaying the same operations must give yjs's exact bytes.
/// </summary>
public sealed class RecordedSessionTests
{
    private readonly ITestOutputHelper _out;
    public RecordedSessionTests(ITestOutputHelper o) => _out = o;

    private static object? Conv(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Array => e.EnumerateArray().Select(Conv).ToList(),
        JsonValueKind.Object => ToObj(e),
        _ => throw new Exception(),
    };

    private static JsObject ToObj(JsonElement e)
    {
        var o = new JsObject();
        foreach (var p in e.EnumerateObject()) o[p.Name] = Conv(p.Value);
        return o;
    }

    [Fact]
    public void Syncing_peers_reach_the_bytes_yjs_reached()
    {
        var fails = 0;
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "yjs-concurrent-ops.jsonl")))
        {
            var root = JsonDocument.Parse(line).RootElement;
            var docs = root.GetProperty("clients").EnumerateArray().Select(c => new Doc(new DocOptions { ClientId = c.GetInt64() })).ToArray();
            var i = 0;
            try
            {
                foreach (var op in root.GetProperty("ops").EnumerateArray())
                {
                    i++;
                    if (op[0].ValueKind == JsonValueKind.String)
                    {
                        var from = docs[op[1].GetInt32()]; var to = docs[op[2].GetInt32()];
                        Y.ApplyUpdate(to, Y.EncodeStateAsUpdate(from, Y.EncodeStateVector(to)));
                        continue;
                    }
                    var doc = docs[op[0].GetInt32()];
                    var t = doc.GetText("t"); var m = doc.GetMap("m"); var a = doc.GetArray("a");
                    switch (op[1].GetString())
                    {
                        case "ti": t.Insert(op[2].GetInt32(), op[3].GetString()!, op[4].ValueKind == JsonValueKind.Null ? null : ToObj(op[4])); break;
                        case "td": t.Delete(op[2].GetInt32(), op[3].GetInt32()); break;
                        case "tf": t.Format(op[2].GetInt32(), op[3].GetInt32(), ToObj(op[4])); break;
                        case "te": t.InsertEmbed(op[2].GetInt32(), ToObj(op[3])); break;
                        case "ms": m.Set(op[2].GetString()!, Conv(op[3])); break;
                        case "md": m.Delete(op[2].GetString()!); break;
                        case "ad": a.Delete(op[2].GetInt32(), op[3].GetInt32()); break;
                        case "ai": a.Insert(op[2].GetInt32(), ((List<object?>)Conv(op[3])!).ToArray()); break;
                    }
                }
            }
            catch (Exception e) { _out.WriteLine($"run op {i}: {e.Message} {e.StackTrace}"); fails++; continue; }
            var states = root.GetProperty("states").EnumerateArray().Select(x => x.GetString()).ToList();
            for (var d = 0; d < docs.Length; d++)
            {
                if (Convert.ToBase64String(Y.EncodeStateAsUpdate(docs[d])) != states[d]) { fails++; if (fails < 4) _out.WriteLine($"clients {docs[0].ClientId} doc {d} differs"); }
            }
        }
        Assert.Equal(0, fails);
    }

    [Fact]
    public void Local_edits_encode_to_the_bytes_yjs_produced()
    {
        var fails = 0;
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", "yjs-local-ops.jsonl")))
        {
            var root = JsonDocument.Parse(line).RootElement;
            var doc = new Doc(new DocOptions { ClientId = root.GetProperty("client").GetInt64() });
            var t = doc.GetText("t"); var m = doc.GetMap("m"); var a = doc.GetArray("a");
            var i = 0;
            try
            {
                foreach (var op in root.GetProperty("ops").EnumerateArray())
                {
                    i++;
                    var kind = op[0].GetString();
                    switch (kind)
                    {
                        case "ti": t.Insert(op[1].GetInt32(), op[2].GetString()!, op[3].ValueKind == JsonValueKind.Null ? null : ToObj(op[3])); break;
                        case "td": t.Delete(op[1].GetInt32(), op[2].GetInt32()); break;
                        case "tf": t.Format(op[1].GetInt32(), op[2].GetInt32(), ToObj(op[3])); break;
                        case "te": t.InsertEmbed(op[1].GetInt32(), ToObj(op[2])); break;
                        case "ms": m.Set(op[1].GetString()!, Conv(op[2])); break;
                        case "md": m.Delete(op[1].GetString()!); break;
                        case "ad": a.Delete(op[1].GetInt32(), op[2].GetInt32()); break;
                        case "ai": a.Insert(op[1].GetInt32(), ((List<object?>)Conv(op[2])!).ToArray()); break;
                    }
                }
            }
            catch (Exception e) { _out.WriteLine($"client {root.GetProperty("client")} op {i}: {e.Message}"); fails++; continue; }
            var state = Convert.ToBase64String(Y.EncodeStateAsUpdate(doc));
            if (state != root.GetProperty("state").GetString())
            {
                fails++;
                if (fails < 5)
                {
                    _out.WriteLine($"client {root.GetProperty("client")}: state differs");
                    _out.WriteLine(" ours  " + JsonText.Stringify(t.ToDelta().Select(d => d.ToJson()).ToList()));
                    _out.WriteLine(" yjs   " + root.GetProperty("delta").GetRawText());
                }
            }
        }
        Assert.Equal(0, fails);
    }
}
