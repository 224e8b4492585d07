using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Types;

/// <summary>Shared key-value map (Y.Map); concurrent writes to a key resolve by YATA order.</summary>
public sealed class YMap : AbstractType
{
    private Dictionary<string, object?>? _prelim = new();

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(1);
    internal override AbstractType CloneEmpty() => new YMap();

    internal override void Integrate(Doc doc, Structs.Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim != null) foreach (var (k, v) in prelim) Set(k, v);
    }

    public void Set(string key, object? value)
    {
        if (Doc == null) _prelim![key] = value;
        else Doc.Transact(tx => MapSet(tx, key, value));
    }

    public void Delete(string key)
    {
        if (Doc == null) _prelim!.Remove(key);
        else Doc.Transact(tx => MapDelete(tx, key));
    }

    public object? Get(string key) => Doc == null ? _prelim!.GetValueOrDefault(key) : MapGet(key);
    public bool Has(string key) => Doc == null ? _prelim!.ContainsKey(key) : MapHas(key);
    public int Count => Doc == null ? _prelim!.Count : MapField.Count(kv => !kv.Value.IsDeleted);
    public IEnumerable<string> Keys => Doc == null ? _prelim!.Keys : MapField.Where(kv => !kv.Value.IsDeleted).Select(kv => kv.Key);

    /// <summary>The value of a key as it was at a snapshot (Undefined when absent then).</summary>
    public object? Get(string key, Snapshot snapshot)
    {
        MapField.TryGetValue(key, out var v);
        while (v != null && (!snapshot.StateVector.TryGetValue(v.Id.Client, out var clock) || v.Id.Clock >= clock)) v = v.Left;
        return v != null && snapshot.IsVisible(v) ? v.Content.GetContent()[(int)v.Length - 1] : Undefined.Value;
    }

    public override object? ToJson()
    {
        var o = new JsObject();
        if (Doc == null)
        {
            foreach (var (k, v) in _prelim!) o[k] = ValueToJson(Values.Normalize(v));
            return o;
        }
        foreach (var (key, item) in MapField)
        {
            if (item.IsDeleted) continue;
            var c = item.Content.GetContent();
            o[key] = ValueToJson(c[(int)item.Length - 1]);
        }
        return o;
    }
}
