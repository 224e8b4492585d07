using Vibe.Crdt.Types;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Structs;

/// <summary>A run of content in a list (or one value of a map key) with the YATA origins it was inserted between.</summary>
public sealed class Item : AbstractStruct
{
    public Item? Left;
    public Item? Right;
    /// <summary>Last id of the left neighbour at insertion time.</summary>
    public Id? Origin;
    /// <summary>First id of the right neighbour at insertion time.</summary>
    public Id? RightOrigin;
    /// <summary>Resolved parent type; null for decoded items before integration (or when the parent was collected).</summary>
    public AbstractType? Parent;
    /// <summary>Unresolved parent of a decoded item: a root name (string) or the id of the parent's item.</summary>
    internal object? ParentRef;
    public string? ParentSub;
    public AbstractContent Content;
    public Id? Redone;
    public bool Keep;
    public bool Countable;
    internal bool IsDeleted;
    internal bool Marker;

    // Left/right neighbours before integration are AbstractStruct in yjs (GC possible); we keep them here.
    internal AbstractStruct? LeftStruct;
    internal AbstractStruct? RightStruct;

    public Item(Id id, Item? left, Id? origin, Item? right, Id? rightOrigin, AbstractType? parent, string? parentSub, AbstractContent content)
        : base(id, content.Length)
    {
        Left = left;
        Origin = origin;
        Right = right;
        RightOrigin = rightOrigin;
        Parent = parent;
        ParentSub = parentSub;
        Content = content;
        Countable = content.Countable;
        LeftStruct = left;
        RightStruct = right;
    }

    public override bool Deleted => IsDeleted;

    public Id LastId => Length == 1 ? Id : new Id(Id.Client, Id.Clock + Length - 1);

    /// <summary>Next non-deleted item to the right.</summary>
    public Item? Next
    {
        get
        {
            var n = Right;
            while (n != null && n.IsDeleted) n = n.Right;
            return n;
        }
    }

    /// <summary>Previous non-deleted item to the left.</summary>
    public Item? Prev
    {
        get
        {
            var n = Left;
            while (n != null && n.IsDeleted) n = n.Left;
            return n;
        }
    }

    internal void MarkDeleted() => IsDeleted = true;

    internal void Delete(Transaction tx)
    {
        if (IsDeleted) return;
        var parent = Parent!;
        if (Countable && ParentSub == null) parent.LengthField -= Length;
        IsDeleted = true;
        tx.DeleteSet.Add(Id.Client, Id.Clock, Length);
        tx.AddChangedType(parent, ParentSub);
        Content.Delete(tx);
    }

    internal void Gc(StructStore store, bool parentGcd)
    {
        if (!IsDeleted) throw new InvalidOperationException("Only deleted items can be collected");
        Content.Gc(store);
        if (parentGcd) store.ReplaceStruct(this, new GcStruct(Id, Length));
        else Content = new ContentDeleted(Length);
    }

    /// <summary>Splits this item at diff, returning the new right part (yjs splitItem).</summary>
    internal Item Split(Transaction tx, long diff)
    {
        var client = Id.Client;
        var clock = Id.Clock;
        var right = new Item(new Id(client, clock + diff), this, new Id(client, clock + diff - 1), Right, RightOrigin, Parent, ParentSub, Content.Splice(diff))
        {
            ParentRef = ParentRef,
        };
        if (IsDeleted) right.IsDeleted = true;
        if (Keep) right.Keep = true;
        if (Redone is { } redone) right.Redone = new Id(redone.Client, redone.Clock + diff);
        Right = right;
        if (right.Right != null) right.Right.Left = right;
        tx.MergeStructs.Add(right);
        if (right.ParentSub != null && right.Right == null) right.Parent!.MapField[right.ParentSub] = right;
        Length = diff;
        return right;
    }

    internal override long? GetMissing(Transaction tx, StructStore store)
    {
        if (Origin is { } o && (o.Client != Id.Client || o.Clock >= Id.Clock) && o.Clock >= store.GetState(o.Client)) return o.Client;
        if (RightOrigin is { } ro && (ro.Client != Id.Client || ro.Clock >= Id.Clock) && ro.Clock >= store.GetState(ro.Client)) return ro.Client;
        if (ParentRef is Id p && (p.Client != Id.Client || p.Clock >= Id.Clock) && p.Clock >= store.GetState(p.Client)) return p.Client;

        // All dependencies exist: resolve neighbours and parent.
        if (Origin is { } origin)
        {
            var left = store.GetItemCleanEnd(tx, origin);
            LeftStruct = left;
            Left = left as Item;
            Origin = left is Item li ? li.LastId : new Id(left.Id.Client, left.Id.Clock + left.Length - 1);
        }
        if (RightOrigin is { } rightOrigin)
        {
            var rightStruct = store.Find(rightOrigin);
            if (rightStruct is Item ri)
            {
                var r = store.GetItemCleanStart(tx, rightOrigin);
                RightStruct = r;
                Right = r;
                RightOrigin = r.Id;
            }
            else
            {
                RightStruct = rightStruct;
                Right = null;
                RightOrigin = rightOrigin;
            }
        }
        if (LeftStruct is GcStruct || RightStruct is GcStruct)
        {
            Parent = null;
            ParentRef = null;
        }
        else if (ParentRef == null && Parent == null)
        {
            if (Left != null)
            {
                Parent = Left.Parent;
                ParentSub = Left.ParentSub;
            }
            else if (Right != null)
            {
                Parent = Right.Parent;
                ParentSub = Right.ParentSub;
            }
            // Neighbours from two different lists can only come from a forged update: drop the content.
            if (Left != null && Right != null && (Left.Parent != Right.Parent || Left.ParentSub != Right.ParentSub)) Parent = null;
        }
        else if (ParentRef is Id parentId)
        {
            var parentStruct = store.Find(parentId);
            Parent = parentStruct is Item { Content: ContentType ct } ? ct.Type : null;
            ParentRef = null;
        }
        else if (ParentRef is string rootName)
        {
            Parent = tx.Doc.GetOrCreateRoot(rootName);
            ParentRef = null;
        }
        return null;
    }

    internal override void Integrate(Transaction tx, long offset)
    {
        var store = tx.Doc.Store;
        if (offset > 0)
        {
            Id = new Id(Id.Client, Id.Clock + offset);
            var leftStruct = store.GetItemCleanEnd(tx, new Id(Id.Client, Id.Clock - 1));
            LeftStruct = leftStruct;
            Left = leftStruct as Item;
            Origin = new Id(leftStruct.Id.Client, leftStruct.Id.Clock + leftStruct.Length - 1);
            Content = Content.Splice(offset);
            Length -= offset;
        }

        var parent = Parent;
        // Remote content nested beyond the limit is treated like content of a collected parent.
        if (parent != null && Content is ContentType && parent.Depth + 1 >= AbstractType.MaxNestingDepth) parent = Parent = null;
        if (parent == null)
        {
            new GcStruct(Id, Length).Integrate(tx, 0);
            return;
        }

        if ((Left == null && (Right == null || Right.Left != null)) || (Left != null && Left.Right != Right))
        {
            var left = Left;
            Item? o;
            if (left != null) o = left.Right;
            else if (ParentSub != null)
            {
                parent.MapField.TryGetValue(ParentSub, out o);
                while (o != null && o.Left != null) o = o.Left;
            }
            else o = parent.Start;

            // Conflict resolution (YATA): items between origin and this.right that we must skip.
            HashSet<Item>? conflicting = null;
            HashSet<Item>? beforeOrigin = null;
            while (o != null && o != Right)
            {
                beforeOrigin ??= new HashSet<Item>(ReferenceEqualityComparer.Instance);
                conflicting ??= new HashSet<Item>(ReferenceEqualityComparer.Instance);
                beforeOrigin.Add(o);
                conflicting.Add(o);
                if (Origin == o.Origin)
                {
                    if (o.Id.Client < Id.Client)
                    {
                        left = o;
                        conflicting.Clear();
                    }
                    else if (RightOrigin == o.RightOrigin)
                    {
                        break;
                    }
                }
                else if (o.Origin is { } oo && store.Find(oo) is Item oOriginItem && beforeOrigin.Contains(oOriginItem))
                {
                    if (!conflicting.Contains(oOriginItem))
                    {
                        left = o;
                        conflicting.Clear();
                    }
                }
                else break;
                o = o.Right;
            }
            Left = left;
        }

        if (Left != null)
        {
            Right = Left.Right;
            Left.Right = this;
        }
        else
        {
            Item? r;
            if (ParentSub != null)
            {
                parent.MapField.TryGetValue(ParentSub, out r);
                while (r != null && r.Left != null) r = r.Left;
            }
            else
            {
                r = parent.Start;
                parent.Start = this;
            }
            Right = r;
        }

        if (Right != null) Right.Left = this;
        else if (ParentSub != null)
        {
            parent.MapField[ParentSub] = this;
            Left?.Delete(tx);
        }

        if (ParentSub == null && Countable && !IsDeleted) parent.LengthField += Length;
        store.AddStruct(this);
        Content.Integrate(tx, this);
        tx.AddChangedType(parent, ParentSub);
        if ((parent.Item != null && parent.Item.IsDeleted) || (ParentSub != null && Right != null)) Delete(tx);
        LeftStruct = null;
        RightStruct = null;
    }

    internal override bool MergeWith(AbstractStruct rightStruct)
    {
        if (rightStruct is not Item right) return false;
        if (right.Origin == LastId
            && Right == right
            && RightOrigin == right.RightOrigin
            && Id.Client == right.Id.Client
            && Id.Clock + Length == right.Id.Clock
            && IsDeleted == right.IsDeleted
            && Redone == null
            && right.Redone == null
            && Content.GetType() == right.Content.GetType()
            && Content.MergeWith(right.Content))
        {
            var markers = Parent?.SearchMarkers;
            if (markers != null)
            {
                foreach (var marker in markers)
                {
                    if (marker.Item == right)
                    {
                        marker.Item = this;
                        if (!IsDeleted && Countable) marker.Index -= Length;
                    }
                }
            }
            if (right.Keep) Keep = true;
            Right = right.Right;
            if (Right != null) Right.Left = this;
            Length += right.Length;
            return true;
        }
        return false;
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        var origin = offset > 0 ? new Id(Id.Client, Id.Clock + offset - 1) : Origin;
        var info = (byte)((Content.Ref & 0x1F) | (origin == null ? 0 : 0x80) | (RightOrigin == null ? 0 : 0x40) | (ParentSub == null ? 0 : 0x20));
        encoder.WriteInfo(info);
        if (origin is { } o) encoder.WriteLeftId(o);
        if (RightOrigin is { } ro) encoder.WriteRightId(ro);
        if (origin == null && RightOrigin == null)
        {
            if (Parent != null)
            {
                if (Parent.Item == null)
                {
                    encoder.WriteParentInfo(true);
                    encoder.WriteString(Parent.RootName ?? throw new InvalidOperationException("Root type without a name"));
                }
                else
                {
                    encoder.WriteParentInfo(false);
                    encoder.WriteLeftId(Parent.Item.Id);
                }
            }
            else if (ParentRef is string name)
            {
                encoder.WriteParentInfo(true);
                encoder.WriteString(name);
            }
            else if (ParentRef is Id pid)
            {
                encoder.WriteParentInfo(false);
                encoder.WriteLeftId(pid);
            }
            else throw new InvalidOperationException("Item has no parent to encode");
            if (ParentSub != null) encoder.WriteString(ParentSub);
        }
        Content.Write(encoder, offset);
    }
}
