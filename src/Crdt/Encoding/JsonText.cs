using System.Globalization;
using System.Text;

namespace Vibe.Crdt;

/// <summary>JSON.parse / JSON.stringify with JavaScript's exact output, over the engine's value model.</summary>
public static class JsonText
{
    public const int MaxDepth = 200;

    public static string Stringify(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.ToString();
    }

    /// <summary>Writes a value; returns false when JSON.stringify would omit it (undefined).</summary>
    public static bool Write(StringBuilder sb, object? value, int depth)
    {
        if (depth > MaxDepth) throw new InvalidOperationException("Value nesting too deep");
        switch (value)
        {
            case null: sb.Append("null"); return true;
            case Undefined: return false;
            case bool b: sb.Append(b ? "true" : "false"); return true;
            case double d: sb.Append(double.IsFinite(d) ? JsValue.FormatNumber(d) : "null"); return true;
            case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); return true;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); return true;
            case string s: WriteString(sb, s); return true;
            case JsBigInt: throw new InvalidOperationException("BigInt value can't be serialized in JSON");
            // yjs cannot stringify these (circular); we emit their JSON view instead of failing.
            case Types.AbstractType t: return Write(sb, t.ToJson(), depth + 1);
            case Doc d:
                sb.Append("{\"guid\":");
                WriteString(sb, d.Guid);
                sb.Append('}');
                return true;
            case byte[] bytes:
            {
                // JSON.stringify(Uint8Array) gives an object keyed by index.
                sb.Append('{');
                for (var i = 0; i < bytes.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append('"').Append(i.ToString(CultureInfo.InvariantCulture)).Append("\":").Append(bytes[i].ToString(CultureInfo.InvariantCulture));
                }
                sb.Append('}');
                return true;
            }
            case System.Collections.IList list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    if (!Write(sb, list[i], depth + 1)) sb.Append("null");
                }
                sb.Append(']');
                return true;
            case JsObject obj:
            {
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in obj)
                {
                    if (v is Undefined) continue;
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, k);
                    sb.Append(':');
                    Write(sb, v, depth + 1);
                }
                sb.Append('}');
                return true;
            }
            default: throw new InvalidOperationException($"Cannot serialize {value.GetType().Name}");
        }
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else if (char.IsHighSurrogate(c))
                    {
                        if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { sb.Append(c).Append(s[i + 1]); i++; }
                        else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsLowSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    public static object? Parse(string text)
    {
        var p = new Parser(text);
        p.SkipWs();
        var v = p.ParseValue(0);
        p.SkipWs();
        if (!p.AtEnd) throw new CrdtFormatException("Unexpected trailing JSON text");
        return v;
    }

    private ref struct Parser
    {
        private readonly string _s;
        private int _i;

        public Parser(string s) { _s = s; _i = 0; }

        public readonly bool AtEnd => _i >= _s.Length;

        public void SkipWs()
        {
            while (_i < _s.Length && (_s[_i] == ' ' || _s[_i] == '\t' || _s[_i] == '\n' || _s[_i] == '\r')) _i++;
        }

        private static CrdtFormatException Bad() => new("Invalid JSON content");

        public object? ParseValue(int depth)
        {
            if (depth > MaxDepth) throw new CrdtFormatException("JSON nesting too deep");
            if (_i >= _s.Length) throw Bad();
            var c = _s[_i];
            switch (c)
            {
                case '{':
                {
                    _i++;
                    var obj = new JsObject();
                    SkipWs();
                    if (_i < _s.Length && _s[_i] == '}') { _i++; return obj; }
                    while (true)
                    {
                        SkipWs();
                        if (_i >= _s.Length || _s[_i] != '"') throw Bad();
                        var key = ParseString();
                        SkipWs();
                        if (_i >= _s.Length || _s[_i] != ':') throw Bad();
                        _i++;
                        SkipWs();
                        obj[key] = ParseValue(depth + 1);
                        SkipWs();
                        if (_i >= _s.Length) throw Bad();
                        if (_s[_i] == ',') { _i++; continue; }
                        if (_s[_i] == '}') { _i++; return obj; }
                        throw Bad();
                    }
                }
                case '[':
                {
                    _i++;
                    var list = new List<object?>();
                    SkipWs();
                    if (_i < _s.Length && _s[_i] == ']') { _i++; return list; }
                    while (true)
                    {
                        SkipWs();
                        list.Add(ParseValue(depth + 1));
                        SkipWs();
                        if (_i >= _s.Length) throw Bad();
                        if (_s[_i] == ',') { _i++; continue; }
                        if (_s[_i] == ']') { _i++; return list; }
                        throw Bad();
                    }
                }
                case '"': return ParseString();
                case 't': Expect("true"); return true;
                case 'f': Expect("false"); return false;
                case 'n': Expect("null"); return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
                    throw Bad();
            }
        }

        private void Expect(string word)
        {
            if (string.CompareOrdinal(_s, _i, word, 0, word.Length) != 0) throw Bad();
            _i += word.Length;
        }

        private double ParseNumber()
        {
            var start = _i;
            if (_s[_i] == '-') _i++;
            if (_i >= _s.Length) throw Bad();
            if (_s[_i] == '0') _i++;
            else if (_s[_i] >= '1' && _s[_i] <= '9') { while (_i < _s.Length && char.IsAsciiDigit(_s[_i])) _i++; }
            else throw Bad();
            if (_i < _s.Length && _s[_i] == '.')
            {
                _i++;
                if (_i >= _s.Length || !char.IsAsciiDigit(_s[_i])) throw Bad();
                while (_i < _s.Length && char.IsAsciiDigit(_s[_i])) _i++;
            }
            if (_i < _s.Length && (_s[_i] == 'e' || _s[_i] == 'E'))
            {
                _i++;
                if (_i < _s.Length && (_s[_i] == '+' || _s[_i] == '-')) _i++;
                if (_i >= _s.Length || !char.IsAsciiDigit(_s[_i])) throw Bad();
                while (_i < _s.Length && char.IsAsciiDigit(_s[_i])) _i++;
            }
            return double.Parse(_s.AsSpan(start, _i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private string ParseString()
        {
            _i++;
            var sb = new StringBuilder();
            while (true)
            {
                if (_i >= _s.Length) throw Bad();
                var c = _s[_i++];
                if (c == '"') return sb.ToString();
                if (c < 0x20) throw Bad();
                if (c != '\\') { sb.Append(c); continue; }
                if (_i >= _s.Length) throw Bad();
                var e = _s[_i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (_i + 4 > _s.Length || !int.TryParse(_s.AsSpan(_i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)) throw Bad();
                        sb.Append((char)code);
                        _i += 4;
                        break;
                    default: throw Bad();
                }
            }
        }
    }
}
