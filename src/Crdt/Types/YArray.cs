using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Types;

/// <summary>Shared list (Y.Array).</summary>
public sealed class YArray : AbstractType
{
    private List<object?>? _prelim = new();

    public YArray() => SearchMarkers = new List<SearchMarker>();

    public long Length => Doc == null ? _prelim!.Count : LengthField;

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(0);
    internal override AbstractType CloneEmpty() => new YArray();

    internal override void Integrate(Doc doc, Structs.Item? item)
    {
        base.Integrate(doc, item);
        var prelim = _prelim;
        _prelim = null;
        if (prelim is { Count: > 0 }) Insert(0, prelim.ToArray());
    }

    public void Insert(long index, params object?[] content)
    {
        if (Doc == null) _prelim!.InsertRange((int)index, content);
        else Doc.Transact(tx => ListInsertGenerics(tx, index, content));
    }

    public void Push(params object?[] content)
    {
        if (Doc == null) _prelim!.AddRange(content);
        else Doc.Transact(tx => ListPushGenerics(tx, content));
    }

    public void Unshift(params object?[] content) => Insert(0, content);

    public void Delete(long index, long length = 1)
    {
        if (Doc == null) _prelim!.RemoveRange((int)index, (int)length);
        else Doc.Transact(tx => ListDelete(tx, index, length));
    }

    public object? Get(long index) => Doc == null ? _prelim![(int)index] : ListGet(index);
    public List<object?> ToArray() => Doc == null ? new List<object?>(_prelim!) : ListToArray();

    /// <summary>The content as it was at a snapshot (needs a document with Gc = false).</summary>
    public List<object?> ToArray(Snapshot snapshot)
    {
        var result = new List<object?>();
        for (var n = Start; n != null; n = n.Right)
        {
            if (n.Countable && snapshot.IsVisible(n)) result.AddRange(n.Content.GetContent());
        }
        return result;
    }

    public override object? ToJson() => ToArray().Select(ValueToJson).ToList();
}
