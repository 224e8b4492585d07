using System.Text;
using Vibe.Crdt.Structs;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Types;

/// <summary>An ordered list of XML nodes (Y.XmlFragment), the root of y-prosemirror and Tiptap documents.</summary>
public class YXmlFragment : AbstractType
{
    private List<object?>? _prelimContent = new();

    public long Length => Doc == null ? _prelimContent!.Count : LengthField;

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(4);
    internal override AbstractType CloneEmpty() => new YXmlFragment();

    internal override void Integrate(Doc doc, Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelimContent;
        _prelimContent = null;
        if (prelim is { Count: > 0 }) Insert(0, prelim.ToArray());
        IntegrateAttributes();
    }

    private protected virtual void IntegrateAttributes() { }

    public void Insert(long index, params AbstractType[] content) => Insert(index, content.Cast<object?>().ToArray());

    private void Insert(long index, object?[] content)
    {
        if (Doc == null) _prelimContent!.InsertRange((int)index, content);
        else Doc.Transact(tx => ListInsertGenerics(tx, index, content));
    }

    public void Push(params AbstractType[] content)
    {
        if (Doc == null) _prelimContent!.AddRange(content);
        else Doc.Transact(tx => ListPushGenerics(tx, content));
    }

    public void Delete(long index, long length = 1)
    {
        if (Doc == null) _prelimContent!.RemoveRange((int)index, (int)length);
        else Doc.Transact(tx => ListDelete(tx, index, length));
    }

    public object? Get(long index) => Doc == null ? _prelimContent![(int)index] : ListGet(index);
    public List<object?> ToArray() => Doc == null ? new List<object?>(_prelimContent!) : ListToArray();

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var child in ToArray()) sb.Append(child?.ToString());
        return sb.ToString();
    }

    public override object? ToJson() => ToString();
}

/// <summary>An XML element (Y.XmlElement): a node name, string-keyed attributes and child nodes.</summary>
public sealed class YXmlElement : YXmlFragment
{
    private Dictionary<string, object?>? _prelimAttrs = new();

    public YXmlElement(string nodeName = "UNDEFINED") => NodeName = nodeName;

    public string NodeName { get; }

    internal override void WriteTypeRef(IUpdateEncoder encoder)
    {
        encoder.WriteTypeRef(3);
        encoder.WriteKey(NodeName);
    }

    internal override AbstractType CloneEmpty() => new YXmlElement(NodeName);

    private protected override void IntegrateAttributes()
    {
        var attrs = _prelimAttrs;
        _prelimAttrs = null;
        if (attrs != null) foreach (var (k, v) in attrs) SetAttribute(k, v);
    }

    public void SetAttribute(string name, object? value)
    {
        if (Doc == null) _prelimAttrs![name] = value;
        else Doc.Transact(tx => MapSet(tx, name, value));
    }

    public void RemoveAttribute(string name)
    {
        if (Doc == null) _prelimAttrs!.Remove(name);
        else Doc.Transact(tx => MapDelete(tx, name));
    }

    public object? GetAttribute(string name) => Doc == null ? _prelimAttrs!.GetValueOrDefault(name) : MapGet(name);

    public JsObject GetAttributes()
    {
        var o = new JsObject();
        if (Doc == null)
        {
            foreach (var (k, v) in _prelimAttrs!) o[k] = v;
            return o;
        }
        foreach (var (key, item) in MapField)
        {
            if (item.IsDeleted) continue;
            o[key] = item.Content.GetContent()[(int)item.Length - 1];
        }
        return o;
    }

    public override string ToString()
    {
        var attrs = GetAttributes();
        var keys = attrs.Keys.ToList();
        keys.Sort(StringComparer.Ordinal);
        var sb = new StringBuilder();
        var name = NodeName.ToLowerInvariant();
        sb.Append('<').Append(name);
        foreach (var k in keys) sb.Append(' ').Append(k).Append("=\"").Append(Xml.JsString(attrs[k])).Append('"');
        sb.Append('>').Append(base.ToString()).Append("</").Append(name).Append('>');
        return sb.ToString();
    }
}

/// <summary>Formatted text inside an XML tree (Y.XmlText).</summary>
public sealed class YXmlText : YText
{
    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(6);
    internal override AbstractType CloneEmpty() => new YXmlText();

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var op in ToDelta())
        {
            var nodes = new List<(string Name, List<(string Key, object? Value)> Attrs)>();
            if (op.Attributes != null)
            {
                foreach (var (nodeName, value) in op.Attributes)
                {
                    var attrs = Xml.ForInEntries(value);
                    attrs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key) < 0 ? -1 : 1);
                    nodes.Add((nodeName, attrs));
                }
            }
            nodes.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) < 0 ? -1 : 1);
            foreach (var node in nodes)
            {
                sb.Append('<').Append(node.Name);
                foreach (var (k, v) in node.Attrs) sb.Append(' ').Append(k).Append("=\"").Append(Xml.JsString(v)).Append('"');
                sb.Append('>');
            }
            sb.Append(Xml.JsString(op.Insert));
            for (var i = nodes.Count - 1; i >= 0; i--) sb.Append("</").Append(nodes[i].Name).Append('>');
        }
        return sb.ToString();
    }

    public override object? ToJson() => ToString();
}

/// <summary>A custom node with a hook name (Y.XmlHook), stored as a map.</summary>
public sealed class YXmlHook : AbstractType
{
    public YXmlHook(string hookName) => HookName = hookName;

    public string HookName { get; }

    internal override void WriteTypeRef(IUpdateEncoder encoder)
    {
        encoder.WriteTypeRef(5);
        encoder.WriteKey(HookName);
    }

    internal override AbstractType CloneEmpty() => new YXmlHook(HookName);

    public void Set(string key, object? value) => RequireDoc().Transact(tx => MapSet(tx, key, value));
    public object? Get(string key) => MapGet(key);

    public override object? ToJson()
    {
        var o = new JsObject();
        foreach (var (key, item) in MapField)
        {
            if (item.IsDeleted) continue;
            o[key] = ValueToJson(item.Content.GetContent()[(int)item.Length - 1]);
        }
        return o;
    }
}

/// <summary>JavaScript string conversion used by the XML serialisations.</summary>
internal static class Xml
{
    /// <summary>String(value) as JavaScript computes it in a template literal.</summary>
    public static string JsString(object? value) => value switch
    {
        null => "null",
        Undefined => "undefined",
        string s => s,
        bool b => b ? "true" : "false",
        double d => JsValue.FormatNumber(d),
        JsBigInt big => big.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IList<object?> list => string.Join(",", list.Select(v => v is null or Undefined ? "" : JsString(v))),
        JsObject => "[object Object]",
        byte[] bytes => string.Join(",", bytes),
        AbstractType t => t.ToString() ?? "",
        _ => value.ToString() ?? "",
    };

    /// <summary>The (key, value) pairs a JavaScript for-in loop visits on value.</summary>
    public static List<(string Key, object? Value)> ForInEntries(object? value) => value switch
    {
        JsObject o => o.Select(kv => (kv.Key, kv.Value)).ToList(),
        string s => s.Select((c, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (object?)c.ToString())).ToList(),
        IList<object?> l => l.Select((v, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)).ToList(),
        _ => new List<(string, object?)>(),
    };
}
