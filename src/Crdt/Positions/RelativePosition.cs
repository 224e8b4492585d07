using Vibe.Crdt.Encoding;
using Vibe.Crdt.Structs;
using Vibe.Crdt.Types;

namespace Vibe.Crdt;

/// <summary>An index resolved against a document: the type and the current offset in it.</summary>
public sealed record AbsolutePosition(AbstractType Type, long Index, int Assoc);

/// <summary>
/// A position that survives concurrent edits: the id of the item to its right (or the type when at the end),
/// with an association (&gt;= 0 sticks to the right character, &lt; 0 to the left one).
/// </summary>
public sealed record RelativePosition(Id? Type, string? TypeName, Id? Item, int Assoc = 0)
{
    public static RelativePosition FromTypeIndex(AbstractType type, long index, int assoc = 0)
    {
        var t = type.Start;
        if (assoc < 0)
        {
            if (index == 0) return Create(type, null, assoc);
            index--;
        }
        while (t != null)
        {
            if (!t.IsDeleted && t.Countable)
            {
                if (t.Length > index) return Create(type, new Id(t.Id.Client, t.Id.Clock + index), assoc);
                index -= t.Length;
            }
            if (t.Right == null && assoc < 0) return Create(type, t.LastId, assoc);
            t = t.Right;
        }
        return Create(type, null, assoc);
    }

    private static RelativePosition Create(AbstractType type, Id? item, int assoc)
    {
        if (type.Item == null) return new RelativePosition(null, type.RootName ?? throw new InvalidOperationException("Type is not part of a document"), item, assoc);
        return new RelativePosition(type.Item.Id, null, item, assoc);
    }

    public byte[] Encode()
    {
        var w = new Lib0Writer(16);
        if (Item is { } item)
        {
            w.WriteVarUint(0UL);
            w.WriteVarUint(item.Client);
            w.WriteVarUint(item.Clock);
        }
        else if (TypeName != null)
        {
            w.WriteByte(1);
            w.WriteVarString(TypeName);
        }
        else if (Type is { } type)
        {
            w.WriteByte(2);
            w.WriteVarUint(type.Client);
            w.WriteVarUint(type.Clock);
        }
        else throw new InvalidOperationException("Empty relative position");
        w.WriteVarInt(Assoc);
        return w.ToArray();
    }

    public static RelativePosition Decode(byte[] bytes)
    {
        var r = new Lib0Reader(bytes);
        Id? type = null;
        string? name = null;
        Id? item = null;
        switch (r.ReadVarUint())
        {
            case 0: item = new Id(r.ReadVarUint(), r.ReadVarUint()); break;
            case 1: name = r.ReadVarString(); break;
            case 2: type = new Id(r.ReadVarUint(), r.ReadVarUint()); break;
            default: throw new CrdtFormatException("Unknown relative position kind");
        }
        var assoc = r.HasContent ? r.ReadVarInt() : 0;
        if (assoc is > int.MaxValue or < int.MinValue) throw new CrdtFormatException("Association out of range");
        return new RelativePosition(type, name, item, (int)assoc);
    }

    /// <summary>JSON shape of yjs relativePositionToJSON.</summary>
    public JsObject ToJson()
    {
        var o = new JsObject();
        if (Type is { } t) o["type"] = new JsObject { ["client"] = (double)t.Client, ["clock"] = (double)t.Clock };
        if (TypeName != null) o["tname"] = TypeName;
        if (Item is { } i) o["item"] = new JsObject { ["client"] = (double)i.Client, ["clock"] = (double)i.Clock };
        o["assoc"] = (double)Assoc;
        return o;
    }

    /// <summary>Resolves the position in a document; null when what it refers to is not there (yet).</summary>
    public AbsolutePosition? ToAbsolute(Doc doc, bool followUndoneDeletions = true)
    {
        var store = doc.Store;
        AbstractType type;
        long index = 0;
        if (Item is { } rightId)
        {
            if (store.GetState(rightId.Client) <= rightId.Clock) return null;
            var (s, diff) = followUndoneDeletions ? FollowRedone(store, rightId) : (store.Find(rightId), 0L);
            if (s is not Item right || right.Parent == null) return null;
            type = right.Parent;
            if (type.Item == null || !type.Item.IsDeleted)
            {
                index = right.IsDeleted || !right.Countable ? 0 : diff + (Assoc >= 0 ? 0 : 1);
                for (var n = right.Left; n != null; n = n.Left)
                {
                    if (!n.IsDeleted && n.Countable) index += n.Length;
                }
            }
        }
        else
        {
            if (TypeName != null)
            {
                type = doc.GetOrCreateRoot(TypeName);
            }
            else if (Type is { } typeId)
            {
                if (store.GetState(typeId.Client) <= typeId.Clock) return null;
                var s = followUndoneDeletions ? FollowRedone(store, typeId).Struct : store.Find(typeId);
                if (s is Item { Content: ContentType ct }) type = ct.Type;
                else return null;
            }
            else throw new InvalidOperationException("Empty relative position");
            index = Assoc >= 0 ? type.LengthField : 0;
        }
        return new AbsolutePosition(type, index, Assoc);
    }

    private static (AbstractStruct Struct, long Diff) FollowRedone(StructStore store, Id id)
    {
        Id? next = id;
        long diff = 0;
        AbstractStruct s;
        do
        {
            var nid = next!.Value;
            if (diff > 0) nid = new Id(nid.Client, nid.Clock + diff);
            s = store.Find(nid);
            diff = nid.Clock - s.Id.Clock;
            next = (s as Item)?.Redone;
        } while (next != null && s is Item);
        return (s, diff);
    }
}
