using System.Text.Json.Nodes;
using Vibe.Crdt.Types;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>Applies a session operation to a Vibe.Crdt document exactly as tests/interop/yjs-peer.mjs applies it to yjs.</summary>
public static class VibeOps
{
    /// <summary>Index of a fraction r in [0,1) over n slots, as the node script computes it.</summary>
    public static long At(double r, long n) => Math.Min(n - 1, (long)Math.Floor(r * n));

    /// <summary>Text as the index space sees it: embeds count one.</summary>
    private static string Flat(YText t) => string.Concat(t.ToDelta().Select(op => op.Insert as string ?? " "));

    /// <summary>Moves an index off the middle of a surrogate pair, as the node script does.</summary>
    private static long Snap(string s, long i) =>
        i > 0 && i < s.Length && char.IsHighSurrogate(s[(int)i - 1]) && char.IsLowSurrogate(s[(int)i]) ? i + 1 : i;

    private static (long Index, long Length) TextRange(YText t, double r, long n)
    {
        var s = Flat(t);
        var i = Snap(s, At(r, s.Length));
        var end = Snap(s, Math.Min(i + n, s.Length));
        return (i, end - i);
    }

    public static object? Value(JsonNode? node)
    {
        switch (node)
        {
            case null: return null;
            case JsonArray a: return a.Select(Value).ToList();
            case JsonObject o:
            {
                if (o["$bin"] is JsonValue bin) return Convert.FromBase64String(bin.GetValue<string>());
                var js = new JsObject();
                foreach (var (k, v) in o) js[k] = Value(v);
                return js;
            }
            case JsonValue v:
                if (v.TryGetValue<string>(out var s)) return s;
                if (v.TryGetValue<bool>(out var b)) return b;
                return v.GetValue<double>();
            default: throw new ArgumentException("unexpected JSON node");
        }
    }

    private static double R(JsonObject op, string name = "r") => op[name]!.GetValue<double>();
    private static long N(JsonObject op) => op["n"]!.GetValue<int>();
    private static string S(JsonObject op, string name = "s") => op[name]!.GetValue<string>();

    private static void EditNested(object? t, double r, string s)
    {
        switch (t)
        {
            case YMap m: m.Set("y", s); break;
            case YArray a: a.Insert(At(r, a.Length + 1), s); break;
            case YXmlText xt: xt.Insert(Snap(Flat(xt), At(r, xt.Length + 1)), s, new JsObject { ["bold"] = true }); break;
            case YText tx: tx.Insert(Snap(Flat(tx), At(r, tx.Length + 1)), s); break;
            case YXmlElement e:
            {
                var x = new YXmlText();
                e.Insert(At(r, e.Length + 1), x);
                x.Insert(0, s);
                break;
            }
        }
    }

    private static (AbstractType Type, Action Fill) NewType(string kind, string s)
    {
        switch (kind)
        {
            case "map": { var m = new YMap(); return (m, () => m.Set("x", s)); }
            case "array": { var a = new YArray(); return (a, () => a.Push(s)); }
            case "text": { var t = new YText(); return (t, () => t.Insert(0, s)); }
            default: throw new ArgumentException("unknown type " + kind);
        }
    }

    public static void Apply(Doc doc, JsonObject op)
    {
        var text = doc.GetText("text");
        var map = doc.GetMap("map");
        var array = doc.GetArray("array");
        var xml = doc.GetXmlFragment("xml");
        switch (S(op, "k"))
        {
            case "ti": text.Insert(Snap(Flat(text), At(R(op), text.Length + 1)), S(op), op["a"] is JsonObject a ? (JsObject)Value(a)! : null); break;
            case "td":
                if (text.Length > 0) { var (i, n) = TextRange(text, R(op), N(op)); text.Delete(i, n); }
                break;
            case "tf":
                if (text.Length > 0) { var (i, n) = TextRange(text, R(op), N(op)); text.Format(i, n, (JsObject)Value(op["a"])!); }
                break;
            case "te": text.InsertEmbed(Snap(Flat(text), At(R(op), text.Length + 1)), Value(op["v"])!); break;
            case "ms": map.Set(S(op, "key"), Value(op["v"])); break;
            case "md": map.Delete(S(op, "key")); break;
            case "mt": { var (t, fill) = NewType(S(op, "t"), S(op)); map.Set(S(op, "key"), t); fill(); break; }
            case "me": if (map.Get(S(op, "key")) is AbstractType nested) EditNested(nested, R(op), S(op)); break;
            case "ai": array.Insert(At(R(op), array.Length + 1), ((List<object?>)Value(op["vs"])!).ToArray()); break;
            case "ad":
                if (array.Length > 0) { var i = At(R(op), array.Length); array.Delete(i, Math.Min(N(op), array.Length - i)); }
                break;
            case "at": { var (t, fill) = NewType(S(op, "t"), S(op)); array.Insert(At(R(op), array.Length + 1), t); fill(); break; }
            case "ae":
                if (array.Length > 0 && array.Get(At(R(op), array.Length)) is AbstractType inArray) EditNested(inArray, R(op, "r2"), S(op));
                break;
            case "xe":
            {
                var e = new YXmlElement(S(op, "name"));
                xml.Insert(At(R(op), xml.Length + 1), e);
                e.SetAttribute(S(op, "key"), S(op, "v"));
                break;
            }
            case "xt":
            {
                var t = new YXmlText();
                xml.Insert(At(R(op), xml.Length + 1), t);
                t.Insert(0, S(op));
                break;
            }
            case "xd":
                if (xml.Length > 0) { var i = At(R(op), xml.Length); xml.Delete(i, Math.Min(N(op), xml.Length - i)); }
                break;
            case "xa":
                if (xml.Length > 0 && xml.Get(At(R(op), xml.Length)) is YXmlElement el)
                {
                    if (op["v"] == null) el.RemoveAttribute(S(op, "key"));
                    else el.SetAttribute(S(op, "key"), S(op, "v"));
                }
                break;
            case "xm":
                if (xml.Length > 0) EditNested(xml.Get(At(R(op), xml.Length)), R(op, "r2"), S(op));
                break;
            default: throw new ArgumentException("unknown op " + S(op, "k"));
        }
    }
}
