using System.Collections;
using Vibe.Crdt.Types;

namespace Vibe.Crdt;

/// <summary>Converts ordinary .NET values into the engine's JavaScript value model.</summary>
public static class Values
{
    public static object? Normalize(object? value) => Normalize(value, 0);

    private static object? Normalize(object? value, int depth)
    {
        if (depth > JsonText.MaxDepth) throw new ArgumentException("Value nesting too deep");
        switch (value)
        {
            case null: return null;
            case Undefined or string or bool or double or JsBigInt or byte[] or AbstractType or Doc: return value;
            case int i: return (double)i;
            case long l: return (double)l;
            case float f: return (double)f;
            case decimal m: return (double)m;
            case short s: return (double)s;
            case byte b: return (double)b;
            case uint u: return (double)u;
            case System.Numerics.BigInteger big: return new JsBigInt((long)big);
            case JsObject obj:
            {
                var copy = new JsObject();
                foreach (var (k, v) in obj) copy[k] = Normalize(v, depth + 1);
                return copy;
            }
            case IDictionary dict:
            {
                var o = new JsObject();
                foreach (DictionaryEntry e in dict) o[e.Key.ToString()!] = Normalize(e.Value, depth + 1);
                return o;
            }
            case IEnumerable list:
            {
                var l2 = new List<object?>();
                foreach (var v in list) l2.Add(Normalize(v, depth + 1));
                return l2;
            }
            default: throw new ArgumentException($"Unsupported value type {value.GetType().Name}");
        }
    }
}
