using System.IO.Compression;
using System.Text.Json;
using Vibe.Crdt.Types;
using Xunit;

namespace Vibe.Crdt.Tests;

public sealed class TraceTests
{
    private static JsonElement Load(string name)
    {
        using var gz = new GZipStream(File.OpenRead(TestData.PathOf(name)), CompressionMode.Decompress);
        return JsonDocument.Parse(gz).RootElement.Clone();
    }

    [Fact]
    public void Automerge_paper_trace_replays_to_its_end_content()
    {
        var root = Load("automerge-paper.json.gz");
        var doc = new Doc(new DocOptions { ClientId = 1 });
        var text = doc.GetText("text");
        foreach (var txn in root.GetProperty("txns").EnumerateArray())
        {
            foreach (var p in txn.GetProperty("patches").EnumerateArray())
            {
                var pos = p[0].GetInt32();
                var del = p[1].GetInt32();
                var ins = p[2].GetString()!;
                doc.Transact(_ =>
                {
                    if (del > 0) text.Delete(pos, del);
                    if (ins.Length > 0) text.Insert(pos, ins);
                });
            }
        }
        Assert.Equal(root.GetProperty("endContent").GetString(), text.ToString());
        var copy = new Doc();
        Y.ApplyUpdate(copy, Y.EncodeStateAsUpdate(doc));
        Assert.Equal(text.ToString(), copy.GetText("text").ToString());
    }

    [Fact]
    public void Friendsforever_concurrent_trace_converges_on_every_replica()
    {
        var root = Load("friendsforever.json.gz");
        var txns = root.GetProperty("txns").EnumerateArray().ToList();
        var numAgents = root.GetProperty("numAgents").GetInt32();
        var docs = Enumerable.Range(0, numAgents).Select(a => new Doc(new DocOptions { ClientId = a + 1 })).ToArray();
        var applied = Enumerable.Range(0, numAgents).Select(_ => new HashSet<int>()).ToArray();
        var updates = new List<byte[]>[txns.Count];
        for (var i = 0; i < txns.Count; i++)
        {
            var t = txns[i];
            var agent = t.GetProperty("agent").GetInt32();
            var doc = docs[agent];
            var text = doc.GetText("text");
            var missing = new SortedSet<int>();
            var stack = new Stack<int>(t.GetProperty("parents").EnumerateArray().Select(x => x.GetInt32()));
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                if (applied[agent].Contains(p) || !missing.Add(p)) continue;
                foreach (var pp in txns[p].GetProperty("parents").EnumerateArray()) stack.Push(pp.GetInt32());
            }
            foreach (var m in missing)
            {
                foreach (var u in updates[m]) Y.ApplyUpdate(doc, u);
                applied[agent].Add(m);
            }
            var produced = new List<byte[]>();
            void OnUpdate(byte[] u, object? origin, Transaction tx) => produced.Add(u);
            doc.Update += OnUpdate;
            foreach (var p in t.GetProperty("patches").EnumerateArray())
            {
                var pos = p[0].GetInt32();
                var del = p[1].GetInt32();
                var ins = p[2].GetString()!;
                doc.Transact(_ =>
                {
                    if (del > 0) text.Delete(pos, del);
                    if (ins.Length > 0) text.Insert(pos, ins);
                });
            }
            doc.Update -= OnUpdate;
            updates[i] = produced;
            applied[agent].Add(i);
        }
        var end = root.GetProperty("endContent").GetString();
        for (var a = 0; a < numAgents; a++)
        {
            for (var i = 0; i < txns.Count; i++)
            {
                if (!applied[a].Contains(i)) foreach (var u in updates[i]) Y.ApplyUpdate(docs[a], u);
            }
            Assert.Equal(end, docs[a].GetText("text").ToString());
        }
    }
}
