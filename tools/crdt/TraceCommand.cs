using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Vibe.Crdt.Types;

namespace Vibe.Crdt.Tool;

/// <summary>Replays an editing trace (josephg/editing-traces format) with one transaction per patch.</summary>
internal static class TraceCommand
{
    private sealed record Patch(int Position, int DeleteCount, string Insert);

    private sealed record Txn(int Agent, int[] Parents, Patch[] Patches);

    public static int Run(string path, string? dumpPath)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gz);
        var root = json.RootElement;
        var endContent = root.GetProperty("endContent").GetString()!;
        var concurrent = root.TryGetProperty("kind", out var kind) && kind.GetString() == "concurrent";
        var txns = new List<Txn>();
        foreach (var t in root.GetProperty("txns").EnumerateArray())
        {
            var patches = t.GetProperty("patches").EnumerateArray()
                .Select(p => new Patch(p[0].GetInt32(), p[1].GetInt32(), p[2].GetString() ?? ""))
                .ToArray();
            var agent = t.TryGetProperty("agent", out var a) ? a.GetInt32() : 0;
            var parents = t.TryGetProperty("parents", out var ps) ? ps.EnumerateArray().Select(x => x.GetInt32()).ToArray() : Array.Empty<int>();
            txns.Add(new Txn(agent, parents, patches));
        }
        var name = Path.GetFileName(path);
        foreach (var suffix in new[] { ".json.gz", ".json" }) if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        var ops = txns.Sum(t => t.Patches.Length);
        var startContent = root.TryGetProperty("startContent", out var sc) ? sc.GetString() ?? "" : "";

        GC.Collect();
        var sw = Stopwatch.StartNew();
        var (ok, finalDoc) = concurrent ? ReplayConcurrent(txns, root.GetProperty("numAgents").GetInt32(), endContent) : ReplaySequential(txns, startContent, endContent);
        var ms = sw.Elapsed.TotalMilliseconds;
        var heap = GC.GetTotalMemory(false);

        var v1 = Y.EncodeStateAsUpdate(finalDoc);
        if (dumpPath != null) File.WriteAllBytes(dumpPath, v1);
        sw.Restart();
        var fresh = new Doc();
        Y.ApplyUpdate(fresh, v1);
        var decodeMs = sw.Elapsed.TotalMilliseconds;
        ok = ok && fresh.GetText("text").ToString() == endContent;

        Console.WriteLine($"{{\"trace\":{Str(name)},\"ops\":{ops},\"ms\":{Num(ms)},\"decodeMs\":{Num(decodeMs)},\"v1Bytes\":{v1.Length},\"v2Bytes\":{Y.EncodeStateAsUpdateV2(finalDoc).Length},\"heapBytes\":{heap},\"ok\":{(ok ? "true" : "false")}}}");
        return ok ? 0 : 1;
    }

    private static string Str(string s)
    {
        var sb = new System.Text.StringBuilder();
        JsonText.WriteString(sb, s);
        return sb.ToString();
    }

    private static string Num(double d) => Math.Round(d, 3).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasSurrogates(string s)
    {
        foreach (var c in s) if (char.IsSurrogate(c)) return true;
        return false;
    }

    /// <summary>Applies one patch; positions count code points, converted to UTF-16 only when the text has astral characters.</summary>
    private static void ApplyPatch(YText text, Patch p, ref bool astral)
    {
        long pos = p.Position;
        long del = p.DeleteCount;
        if (astral)
        {
            var s = text.ToString();
            var start = CodeUnitOffset(s, p.Position);
            var end = CodeUnitOffset(s, p.Position + p.DeleteCount);
            pos = start;
            del = end - start;
        }
        if (del > 0) text.Delete(pos, del);
        if (p.Insert.Length > 0)
        {
            text.Insert(pos, p.Insert);
            if (!astral && HasSurrogates(p.Insert)) astral = true;
        }
    }

    private static int CodeUnitOffset(string s, int codePoints)
    {
        var i = 0;
        while (codePoints > 0 && i < s.Length)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
            codePoints--;
        }
        return i;
    }

    private static (bool, Doc) ReplaySequential(List<Txn> txns, string startContent, string endContent)
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        var text = doc.GetText("text");
        var astral = HasSurrogates(startContent);
        if (startContent.Length > 0) text.Insert(0, startContent);
        foreach (var t in txns)
        {
            foreach (var p in t.Patches)
            {
                doc.Transact(_ => ApplyPatch(text, p, ref astral));
            }
        }
        return (text.ToString() == endContent, doc);
    }

    private static (bool, Doc) ReplayConcurrent(List<Txn> txns, int numAgents, string endContent)
    {
        var docs = new Doc[numAgents];
        var applied = new HashSet<int>[numAgents];
        var updates = new List<byte[]>[txns.Count];
        for (var a = 0; a < numAgents; a++)
        {
            docs[a] = new Doc(new DocOptions { ClientId = a + 1 });
            docs[a].GetText("text");
            applied[a] = new HashSet<int>();
        }
        var astral = false;
        for (var i = 0; i < txns.Count; i++)
        {
            var t = txns[i];
            var doc = docs[t.Agent];
            var text = doc.GetText("text");
            // Bring the agent's replica to exactly the merge of the parents' histories.
            var missing = new List<int>();
            var stack = new Stack<int>(t.Parents);
            var seen = new HashSet<int>();
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                if (applied[t.Agent].Contains(p) || !seen.Add(p)) continue;
                missing.Add(p);
                foreach (var pp in txns[p].Parents) stack.Push(pp);
            }
            missing.Sort();
            foreach (var m in missing)
            {
                foreach (var u in updates[m]) Y.ApplyUpdate(doc, u);
                applied[t.Agent].Add(m);
            }
            var produced = new List<byte[]>();
            void OnUpdate(byte[] u, object? origin, Transaction tx)
            {
                if (tx.Local) produced.Add(u);
            }
            doc.Update += OnUpdate;
            foreach (var p in t.Patches) doc.Transact(_ => ApplyPatch(text, p, ref astral));
            doc.Update -= OnUpdate;
            updates[i] = produced;
            applied[t.Agent].Add(i);
        }
        var ok = true;
        for (var a = 0; a < numAgents; a++)
        {
            for (var i = 0; i < txns.Count; i++)
            {
                if (applied[a].Contains(i)) continue;
                foreach (var u in updates[i]) Y.ApplyUpdate(docs[a], u);
            }
            ok &= docs[a].GetText("text").ToString() == endContent;
        }
        return (ok, docs[0]);
    }
}
