using System.Collections;
using System.Globalization;

namespace Vibe.Crdt;

/// <summary>JavaScript's <c>undefined</c>, distinct from <c>null</c> because Yjs encodes both.</summary>
public sealed class Undefined
{
    public static readonly Undefined Value = new();

    private Undefined() { }

    public override string ToString() => "undefined";
}

/// <summary>A JavaScript BigInt restricted to 64 bits, as lib0 encodes it.</summary>
public readonly record struct JsBigInt(long Value);

/// <summary>
/// A plain JavaScript object: enumerates array-index keys ascending first, then other keys in insertion
/// order, because that is the order yjs writes them in.
/// </summary>
public sealed class JsObject : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<string> _keys = new();
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);
    private bool _sorted = true;

    public int Count => _keys.Count;

    public object? this[string key]
    {
        get => _values[key];
        set
        {
            if (!_values.ContainsKey(key))
            {
                if (_keys.Count > 0 && IsIndexKey(key)) _sorted = false;
                _keys.Add(key);
            }
            _values[key] = value;
        }
    }

    public bool TryGetValue(string key, out object? value) => _values.TryGetValue(key, out value);

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool Remove(string key)
    {
        if (!_values.Remove(key)) return false;
        _keys.Remove(key);
        return true;
    }

    public IEnumerable<string> Keys
    {
        get
        {
            EnsureOrder();
            return _keys;
        }
    }

    private void EnsureOrder()
    {
        if (_sorted) return;
        var index = _keys.Where(IsIndexKey).OrderBy(k => uint.Parse(k, CultureInfo.InvariantCulture)).ToList();
        var rest = _keys.Where(k => !IsIndexKey(k)).ToList();
        _keys.Clear();
        _keys.AddRange(index);
        _keys.AddRange(rest);
        _sorted = true;
    }

    /// <summary>True for canonical array-index strings ("0", "17", not "017"), which JS enumerates first.</summary>
    public static bool IsIndexKey(string key)
    {
        if (key.Length == 0 || key.Length > 10) return false;
        if (key.Length > 1 && key[0] == '0') return false;
        foreach (var c in key) if (c < '0' || c > '9') return false;
        return ulong.Parse(key, CultureInfo.InvariantCulture) < uint.MaxValue;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        EnsureOrder();
        foreach (var k in _keys) yield return new KeyValuePair<string, object?>(k, _values[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Structural equality and JS-style number formatting for the value model (null, Undefined, bool, double, string, byte[], List, JsObject).</summary>
public static class JsValue
{
    public static bool DeepEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        switch (a)
        {
            case double da when b is double db: return da.Equals(db) || da == db;
            case string sa when b is string sb: return sa == sb;
            case bool ba when b is bool bb: return ba == bb;
            case JsBigInt ia when b is JsBigInt ib: return ia == ib;
            case byte[] xa when b is byte[] xb: return xa.AsSpan().SequenceEqual(xb);
            case IList<object?> la when b is IList<object?> lb:
                if (la.Count != lb.Count) return false;
                for (var i = 0; i < la.Count; i++) if (!DeepEquals(la[i], lb[i])) return false;
                return true;
            case JsObject oa when b is JsObject ob:
                if (oa.Count != ob.Count) return false;
                foreach (var (k, v) in oa)
                {
                    if (!ob.TryGetValue(k, out var w) || !DeepEquals(v, w)) return false;
                }
                return true;
            default: return a.Equals(b);
        }
    }

    /// <summary>JavaScript's === over the value model: primitives by value, objects by reference.</summary>
    public static bool StrictEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        return a switch
        {
            double da when b is double db => da == db,
            string sa when b is string sb => sa == sb,
            bool ba when b is bool bb => ba == bb,
            JsBigInt ia when b is JsBigInt ib => ia == ib,
            _ => false,
        };
    }

    /// <summary>Formats a double exactly as JavaScript's Number.prototype.toString does.</summary>
    public static string FormatNumber(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        if (d == 0) return "0";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative) r = r[1..];
        // split into digits and decimal exponent
        string mantissa;
        var exp = 0;
        var ePos = r.IndexOfAny(new[] { 'E', 'e' });
        if (ePos >= 0)
        {
            mantissa = r[..ePos];
            exp = int.Parse(r[(ePos + 1)..], CultureInfo.InvariantCulture);
        }
        else mantissa = r;
        var dot = mantissa.IndexOf('.');
        string digits;
        int pointPos;
        if (dot >= 0)
        {
            digits = mantissa[..dot] + mantissa[(dot + 1)..];
            pointPos = dot + exp;
        }
        else
        {
            digits = mantissa;
            pointPos = mantissa.Length + exp;
        }
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; pointPos--; }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var k = digits.Length;
        var n = pointPos;
        string result;
        if (k <= n && n <= 21) result = digits + new string('0', n - k);
        else if (0 < n && n <= 21) result = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) result = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            var es = e >= 0 ? "+" + e : e.ToString(CultureInfo.InvariantCulture);
            result = k == 1 ? digits + "e" + es : digits[0] + "." + digits[1..] + "e" + es;
        }
        return negative ? "-" + result : result;
    }
}
