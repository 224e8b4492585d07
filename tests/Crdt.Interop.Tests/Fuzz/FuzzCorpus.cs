using Vibe.Crdt.Encoding;
using Vibe.Crdt.Interop.Tests.Harness;
using Vibe.Crdt.Types;

namespace Vibe.Crdt.Interop.Tests.Fuzz;

/// <summary>A well-formed update to mutate, and the decoder it was written for.</summary>
public sealed record Seed(byte[] Bytes, bool V2, string Origin);

/// <summary>Real updates to mutate: yjs-made ones from the shared data sets and engine-made ones covering every content kind.</summary>
public static class FuzzCorpus
{
    private static readonly Lazy<IReadOnlyList<Seed>> DatasetSeeds = new(LoadDataset);
    private static readonly Lazy<IReadOnlyList<Seed>> EngineSeeds = new(MakeEngineSeeds);

    public static IReadOnlyList<Seed> Dataset => DatasetSeeds.Value;
    public static IReadOnlyList<Seed> Engine => EngineSeeds.Value;
    public static byte[] B4 => File.ReadAllBytes(RepoLayout.DataFile("b4-update.bin"));

    private static List<Seed> LoadDataset()
    {
        var data = File.ReadAllBytes(RepoLayout.DataFile("small-test-dataset.bin"));
        var r = new Lib0Reader(data);
        var seeds = new List<Seed>();
        var cases = r.ReadVarUint();
        for (var c = 0; c < cases && seeds.Count < 1500; c++)
        {
            var n = r.ReadVarUint();
            for (var i = 0; i < n; i++) seeds.Add(new Seed(r.ReadVarBytes(), false, $"dataset case {c} update {i}"));
            r.ReadVarString();
            r.ReadAny();
            r.ReadAny();
        }
        // The same updates in the v2 format, converted by the engine.
        foreach (var s in seeds.Where((_, i) => i % 3 == 0).ToList()) seeds.Add(new Seed(Y.ConvertUpdateFormatV1ToV2(s.Bytes), true, s.Origin + " as v2"));
        return seeds;
    }

    private static List<Seed> MakeEngineSeeds()
    {
        var seeds = new List<Seed>();
        var doc = new Doc(new DocOptions { ClientId = 7, Gc = false });
        doc.Update += (u, _, _) => seeds.Add(new Seed(u, false, "engine transaction"));
        var text = doc.GetText("text");
        text.Insert(0, "hello wörld 😀");
        text.Format(0, 5, new JsObject { ["bold"] = true });
        text.InsertEmbed(3, new JsObject { ["image"] = "x.png" });
        text.Delete(1, 2);
        var map = doc.GetMap("map");
        map.Set("n", 1.5);
        map.Set("big", 1e300);
        map.Set("i", 42);
        map.Set("neg", -2147483649.0);
        map.Set("s", "str");
        map.Set("b", new byte[] { 1, 2, 3 });
        map.Set("o", new JsObject { ["a"] = new List<object?> { null, true, false, "x" } });
        var nested = new YMap();
        map.Set("m", nested);
        nested.Set("k", "v");
        map.Delete("s");
        var array = doc.GetArray("array");
        array.Push(1, "two", null, true);
        var inner = new YArray();
        array.Insert(1, inner);
        inner.Push("deep");
        array.Delete(0, 1);
        var xml = doc.GetXmlFragment("xml");
        var el = new YXmlElement("p");
        xml.Insert(0, el);
        el.SetAttribute("class", "c");
        var xt = new YXmlText();
        el.Insert(0, xt);
        xt.Insert(0, "text", new JsObject { ["em"] = true });
        xml.Delete(0, 1);
        seeds.Add(new Seed(Y.EncodeStateAsUpdate(doc), false, "engine state"));
        seeds.Add(new Seed(Y.EncodeStateAsUpdateV2(doc), true, "engine state v2"));
        foreach (var s in seeds.Where(s => !s.V2).ToList()) seeds.Add(new Seed(Y.ConvertUpdateFormatV1ToV2(s.Bytes), true, s.Origin + " as v2"));
        return seeds;
    }

    /// <summary>A document with content from two clients plus a pending update, so atomicity covers pending state too.</summary>
    public static Doc NewTarget()
    {
        var doc = new Doc(new DocOptions { ClientId = 99 });
        doc.GetText("text").Insert(0, "base");
        doc.GetMap("map").Set("x", 1);
        doc.GetArray("array").Push("a", 2);
        var other = new Doc(new DocOptions { ClientId = 5 });
        other.GetText("text").Insert(0, "first");
        var sv = Y.EncodeStateVector(other);
        other.GetText("text").Insert(5, " second");
        // Only the second change is applied: it waits for the first as a pending struct.
        Y.ApplyUpdate(doc, Y.EncodeStateAsUpdate(other, sv));
        return doc;
    }
}
