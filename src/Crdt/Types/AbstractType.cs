using Vibe.Crdt.Structs;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Types;

/// <summary>Base of all shared types: a linked list of items (Start) and/or a map of keys to their latest item.</summary>
public abstract class AbstractType
{
    public Doc? Doc { get; internal set; }
    /// <summary>The item that holds this type; null for root types.</summary>
    public Item? Item { get; internal set; }
    internal Item? Start;
    internal Dictionary<string, Item> MapField = new();
    internal long LengthField;
    internal List<SearchMarker>? SearchMarkers;
    internal string? RootName;

    private Action<YEvent, Transaction>? _observers;
    private Action<IReadOnlyList<YEvent>, Transaction>? _deepObservers;

    /// <summary>Work recorded before the type was added to a document, replayed on integration.</summary>
    internal List<Action>? Prelim;

    public AbstractType? Parent => Item?.Parent;

    /// <summary>Deepest nesting of types a document may hold; deeper content is dropped so recursion stays bounded.</summary>
    public const int MaxNestingDepth = 512;

    /// <summary>0 for roots, parent depth + 1 for nested types.</summary>
    public int Depth { get; private set; }

    internal virtual void Integrate(Doc doc, Item? item)
    {
        Doc = doc;
        Item = item;
        Depth = item?.Parent is { } p ? p.Depth + 1 : 0;
        if (Prelim != null)
        {
            var work = Prelim;
            Prelim = null;
            foreach (var w in work) w();
        }
    }

    /// <summary>Takes over the content of a placeholder root created by an update.</summary>
    internal void AdoptFrom(AbstractType placeholder)
    {
        MapField = placeholder.MapField;
        foreach (var v in MapField.Values)
        {
            for (Item? n = v; n != null; n = n.Left) n.Parent = this;
        }
        Start = placeholder.Start;
        for (var n = Start; n != null; n = n.Right) n.Parent = this;
        LengthField = placeholder.LengthField;
    }

    internal abstract void WriteTypeRef(IUpdateEncoder encoder);

    internal abstract AbstractType CloneEmpty();

    /// <summary>The value yjs's toJSON() gives for this type.</summary>
    public abstract object? ToJson();

    protected Doc RequireDoc() => Doc ?? throw new InvalidOperationException("The type must be added to a document before it is edited");

    internal void Transact(Action<Transaction> action)
    {
        var doc = Doc;
        if (doc != null) doc.Transact(action);
        else (Prelim ??= new List<Action>()).Add(() => Doc!.Transact(action));
    }

    public void Observe(Action<YEvent, Transaction> handler) => _observers += handler;
    public void Unobserve(Action<YEvent, Transaction> handler) => _observers -= handler;
    public void ObserveDeep(Action<IReadOnlyList<YEvent>, Transaction> handler) => _deepObservers += handler;
    public void UnobserveDeep(Action<IReadOnlyList<YEvent>, Transaction> handler) => _deepObservers -= handler;

    internal bool HasDeepObservers => _deepObservers != null;

    private bool AnyAncestorObservesDeep()
    {
        for (AbstractType? t = this; t != null; t = t.Item?.Parent)
        {
            if (t._deepObservers != null) return true;
        }
        return false;
    }

    internal void InvokeDeep(IReadOnlyList<YEvent> events, Transaction tx) => _deepObservers?.Invoke(events, tx);

    /// <summary>Creates this type's event and notifies observers (yjs _callObserver).</summary>
    internal virtual void CallObserver(Transaction tx, HashSet<string?> keys)
    {
        if (!tx.Local && SearchMarkers != null) SearchMarkers.Clear();
        // Events are only built when someone listens on this type or deeply on an ancestor.
        if (_observers == null && (Doc == null || Doc.ChangeTrackers == 0) && !AnyAncestorObservesDeep()) return;
        Events.CallTypeObservers(this, tx, CreateEvent(tx, keys));
    }

    internal virtual YEvent CreateEvent(Transaction tx, HashSet<string?> keys) => new(this, tx, keys);

    internal void InvokeObservers(YEvent e, Transaction tx) => _observers?.Invoke(e, tx);

    // ---- list operations shared by arrays, text and XML ----

    internal IEnumerable<Item> ListItems()
    {
        for (var n = Start; n != null; n = n.Right) yield return n;
    }

    internal List<object?> ListToArray()
    {
        var result = new List<object?>();
        for (var n = Start; n != null; n = n.Right)
        {
            if (n.Countable && !n.IsDeleted) result.AddRange(n.Content.GetContent());
        }
        return result;
    }

    internal object? ListGet(long index)
    {
        var marker = SearchMarker.Find(this, index);
        var n = Start;
        if (marker != null)
        {
            n = marker.Item;
            index -= marker.Index;
        }
        for (; n != null; n = n.Right)
        {
            if (!n.IsDeleted && n.Countable)
            {
                if (index < n.Length) return n.Content.GetContent()[(int)index];
                index -= n.Length;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(index));
    }

    internal void ListInsertGenericsAfter(Transaction tx, Item? reference, IEnumerable<object?> content)
    {
        var left = reference;
        var doc = tx.Doc;
        var own = doc.ClientId;
        var store = doc.Store;
        var right = reference == null ? Start : reference.Right;
        List<object?>? json = null;
        void Pack()
        {
            if (json == null || json.Count == 0) return;
            left = new Item(new Id(own, store.GetState(own)), left, left?.LastId, right, right?.Id, this, null, new ContentAny(json));
            left.Integrate(tx, 0);
            json = null;
        }
        foreach (var c in content)
        {
            switch (c)
            {
                case byte[] bytes:
                    Pack();
                    left = new Item(new Id(own, store.GetState(own)), left, left?.LastId, right, right?.Id, this, null, new ContentBinary(bytes));
                    left.Integrate(tx, 0);
                    break;
                case Doc sub:
                    Pack();
                    left = new Item(new Id(own, store.GetState(own)), left, left?.LastId, right, right?.Id, this, null, new ContentDoc(sub));
                    left.Integrate(tx, 0);
                    break;
                case AbstractType t:
                    if (Depth + 1 >= MaxNestingDepth) throw new InvalidOperationException("Types nested too deeply");
                    Pack();
                    left = new Item(new Id(own, store.GetState(own)), left, left?.LastId, right, right?.Id, this, null, new ContentType(t));
                    left.Integrate(tx, 0);
                    break;
                default:
                    (json ??= new List<object?>()).Add(Values.Normalize(c));
                    break;
            }
        }
        Pack();
    }

    internal void ListInsertGenerics(Transaction tx, long index, IReadOnlyList<object?> content)
    {
        if (index > LengthField || index < 0) throw new ArgumentOutOfRangeException(nameof(index), "Length exceeded");
        if (index == 0)
        {
            if (SearchMarkers != null) SearchMarker.UpdateChanges(SearchMarkers, index, content.Count);
            ListInsertGenericsAfter(tx, null, content);
            return;
        }
        var startIndex = index;
        var marker = SearchMarker.Find(this, index);
        var n = Start;
        if (marker != null)
        {
            n = marker.Item;
            index -= marker.Index;
            if (index == 0)
            {
                n = n.Prev;
                index += n != null && n.Countable && !n.IsDeleted ? n.Length : 0;
            }
        }
        for (; n != null; n = n.Right)
        {
            if (!n.IsDeleted && n.Countable)
            {
                if (index <= n.Length)
                {
                    if (index < n.Length) tx.Doc.Store.GetItemCleanStart(tx, new Id(n.Id.Client, n.Id.Clock + index));
                    break;
                }
                index -= n.Length;
            }
        }
        if (SearchMarkers != null) SearchMarker.UpdateChanges(SearchMarkers, startIndex, content.Count);
        ListInsertGenericsAfter(tx, n, content);
    }

    internal void ListPushGenerics(Transaction tx, IReadOnlyList<object?> content)
    {
        var markers = SearchMarkers;
        Item? n = Start;
        if (markers != null && markers.Count > 0)
        {
            var best = markers[0];
            foreach (var m in markers) if (m.Index > best.Index) best = m;
            n = best.Item;
        }
        while (n != null && n.Right != null) n = n.Right;
        ListInsertGenericsAfter(tx, n, content);
    }

    internal void ListDelete(Transaction tx, long index, long length)
    {
        if (length == 0) return;
        var startIndex = index;
        var startLength = length;
        var marker = SearchMarker.Find(this, index);
        var n = Start;
        if (marker != null)
        {
            n = marker.Item;
            index -= marker.Index;
        }
        for (; n != null && index > 0; n = n.Right)
        {
            if (!n.IsDeleted && n.Countable)
            {
                if (index < n.Length) tx.Doc.Store.GetItemCleanStart(tx, new Id(n.Id.Client, n.Id.Clock + index));
                index -= n.Length;
            }
        }
        while (length > 0 && n != null)
        {
            if (!n.IsDeleted)
            {
                if (length < n.Length) tx.Doc.Store.GetItemCleanStart(tx, new Id(n.Id.Client, n.Id.Clock + length));
                n.Delete(tx);
                length -= n.Length;
            }
            n = n.Right;
        }
        if (length > 0) throw new ArgumentOutOfRangeException(nameof(length), "Array length exceeded");
        if (SearchMarkers != null) SearchMarker.UpdateChanges(SearchMarkers, startIndex, -startLength + length);
    }

    // ---- map operations shared by maps and XML attributes ----

    internal void MapSet(Transaction tx, string key, object? value)
    {
        if (value is AbstractType && Depth + 1 >= MaxNestingDepth) throw new InvalidOperationException("Types nested too deeply");
        MapField.TryGetValue(key, out var left);
        var doc = tx.Doc;
        var own = doc.ClientId;
        AbstractContent content = value switch
        {
            byte[] bytes => new ContentBinary(bytes),
            Doc sub => new ContentDoc(sub),
            AbstractType t => new ContentType(t),
            _ => new ContentAny(new List<object?> { Values.Normalize(value) }),
        };
        new Item(new Id(own, doc.Store.GetState(own)), left, left?.LastId, null, null, this, key, content).Integrate(tx, 0);
    }

    internal void MapDelete(Transaction tx, string key)
    {
        if (MapField.TryGetValue(key, out var item)) item.Delete(tx);
    }

    internal object? MapGet(string key)
    {
        if (!MapField.TryGetValue(key, out var item) || item.IsDeleted) return null;
        var c = item.Content.GetContent();
        return c[(int)item.Length - 1];
    }

    internal bool MapHas(string key) => MapField.TryGetValue(key, out var item) && !item.IsDeleted;

    internal static object? ValueToJson(object? v) => v is AbstractType t ? t.ToJson() : v;
}
