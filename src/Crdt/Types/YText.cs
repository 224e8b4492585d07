using System.Text;
using Vibe.Crdt.Structs;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Types;

/// <summary>One insert of a text delta: a string or an embed, with its formatting.</summary>
public sealed record TextDeltaOp(object? Insert, JsObject? Attributes)
{
    public JsObject ToJson()
    {
        var o = new JsObject { ["insert"] = Insert is AbstractType t ? t.ToJson() : Insert };
        if (Attributes != null) o["attributes"] = Attributes;
        return o;
    }
}

/// <summary>Shared rich text (Y.Text). Indexes count UTF-16 code units like JavaScript.</summary>
public class YText : AbstractType
{
    internal bool HasFormatting;

    public YText() => SearchMarkers = new List<SearchMarker>();

    public YText(string initial) : this() => Insert(0, initial);

    public long Length => LengthField;

    internal override void WriteTypeRef(IUpdateEncoder encoder) => encoder.WriteTypeRef(2);
    internal override AbstractType CloneEmpty() => new YText();

    public override object? ToJson() => ToString();

    public override string ToString()
    {
        var sb = new StringBuilder((int)Math.Min(LengthField, int.MaxValue));
        for (var n = Start; n != null; n = n.Right)
        {
            if (!n.IsDeleted && n.Countable && n.Content is ContentString s) s.AppendTo(sb);
        }
        return sb.ToString();
    }

    internal override YEvent CreateEvent(Transaction tx, HashSet<string?> keys) => new YTextEvent(this, tx, keys);

    internal override void CallObserver(Transaction tx, HashSet<string?> keys)
    {
        base.CallObserver(tx, keys);
        if (!tx.Local && HasFormatting) tx.NeedFormattingCleanup = true;
    }

    private TextPosition FindPosition(Transaction tx, long index, bool useSearchMarker)
    {
        var attrs = new Dictionary<string, object?>();
        var marker = useSearchMarker ? SearchMarker.Find(this, index) : null;
        var pos = marker != null
            ? new TextPosition(marker.Item.Left, marker.Item, marker.Index, attrs)
            : new TextPosition(null, Start, 0, attrs);
        var count = marker != null ? index - marker.Index : index;
        var store = tx.Doc.Store;
        while (pos.Right != null && count > 0)
        {
            var r = pos.Right;
            if (r.Content is ContentFormat f)
            {
                if (!r.IsDeleted) TextPosition.UpdateAttributes(pos.CurrentAttributes, f);
            }
            else if (!r.IsDeleted)
            {
                if (count < r.Length) store.GetItemCleanStart(tx, new Id(r.Id.Client, r.Id.Clock + count));
                pos.Index += r.Length;
                count -= r.Length;
            }
            pos.Left = r;
            pos.Right = r.Right;
        }
        return pos;
    }

    private static readonly JsObject NoAttributes = new();

    public void Insert(long index, string text, JsObject? attributes = null)
    {
        if (text.Length == 0) return;
        Transact(tx =>
        {
            var pos = FindPosition(tx, index, attributes == null);
            var attrs = attributes ?? (pos.CurrentAttributes.Count == 0 ? NoAttributes : ToJsObject(pos.CurrentAttributes));
            InsertContent(tx, pos, new ContentString(text), attrs);
        });
    }

    public void InsertEmbed(long index, object embed, JsObject? attributes = null)
    {
        Transact(tx =>
        {
            var pos = FindPosition(tx, index, attributes == null);
            AbstractContent content = embed is AbstractType t ? new ContentType(t) : new ContentEmbed(Values.Normalize(embed));
            InsertContent(tx, pos, content, attributes ?? new JsObject());
        });
    }

    public void Delete(long index, long length)
    {
        if (length == 0) return;
        Transact(tx => DeleteText(tx, FindPosition(tx, index, true), length));
    }

    public void Format(long index, long length, JsObject attributes)
    {
        if (length == 0) return;
        Transact(tx =>
        {
            var pos = FindPosition(tx, index, false);
            if (pos.Right == null) return;
            FormatText(tx, pos, length, attributes);
        });
    }

    public void SetAttribute(string name, object? value) => Transact(tx => MapSet(tx, name, value));
    public void RemoveAttribute(string name) => Transact(tx => MapDelete(tx, name));
    public object? GetAttribute(string name) => MapGet(name);

    /// <summary>Applies a Quill-style delta: ops with "insert" (+ "attributes"), "retain" (+ "attributes") or "delete".</summary>
    public void ApplyDelta(IEnumerable<JsObject> delta, bool sanitize = true)
    {
        Transact(tx =>
        {
            var pos = new TextPosition(null, Start, 0, new Dictionary<string, object?>());
            var ops = delta.ToList();
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                var attrs = op.TryGetValue("attributes", out var a) && a is JsObject ao ? ao : new JsObject();
                if (op.TryGetValue("insert", out var ins) && ins is not Undefined)
                {
                    if (!sanitize && ins is string s0 && i == ops.Count - 1 && pos.Right == null && s0.EndsWith('\n')) ins = s0[..^1];
                    if (ins is string s)
                    {
                        if (s.Length > 0) InsertContent(tx, pos, new ContentString(s), attrs);
                    }
                    else InsertContent(tx, pos, ins is AbstractType t ? new ContentType(t) : new ContentEmbed(Values.Normalize(ins)), attrs);
                }
                else if (op.TryGetValue("retain", out var retain) && retain is double r) FormatText(tx, pos, (long)r, attrs);
                else if (op.TryGetValue("delete", out var del) && del is double d) DeleteText(tx, pos, (long)d);
            }
        });
    }

    /// <summary>
    /// The delta as it was at <paramref name="snapshot"/>; with <paramref name="prevSnapshot"/> too, text added or removed
    /// between them carries a "ychange" attribute ({type:"added"} / {type:"removed"}) like yjs.
    /// </summary>
    public List<TextDeltaOp> ToDelta(Snapshot? snapshot, Snapshot? prevSnapshot = null)
    {
        if (snapshot == null && prevSnapshot == null) return ToDelta();
        List<TextDeltaOp> result = new();
        RequireDoc().Transact(tx =>
        {
            snapshot?.SplitAffectedStructs(tx);
            prevSnapshot?.SplitAffectedStructs(tx);
            result = ComputeDelta(snapshot, prevSnapshot);
        }, "cleanup");
        return result;
    }

    private static bool Visible(Item n, Snapshot? s) => s == null ? !n.IsDeleted : s.IsVisible(n);

    private List<TextDeltaOp> ComputeDelta(Snapshot? snapshot, Snapshot? prevSnapshot)
    {
        var ops = new List<TextDeltaOp>();
        var current = new Dictionary<string, object?>();
        var sb = new StringBuilder();
        void Pack()
        {
            if (sb.Length == 0) return;
            ops.Add(new TextDeltaOp(sb.ToString(), current.Count > 0 ? ToJsObject(current) : null));
            sb.Clear();
        }
        for (var n = Start; n != null; n = n.Right)
        {
            if (!(Visible(n, snapshot) || (prevSnapshot != null && Visible(n, prevSnapshot)))) continue;
            switch (n.Content)
            {
                case ContentString s:
                {
                    current.TryGetValue("ychange", out var cur);
                    var curObj = cur as JsObject;
                    if (snapshot != null && !Visible(n, snapshot))
                    {
                        if (curObj == null || !Equals(curObj["type"], "removed"))
                        {
                            Pack();
                            current["ychange"] = new JsObject { ["type"] = "removed" };
                        }
                    }
                    else if (prevSnapshot != null && !Visible(n, prevSnapshot))
                    {
                        if (curObj == null || !Equals(curObj["type"], "added"))
                        {
                            Pack();
                            current["ychange"] = new JsObject { ["type"] = "added" };
                        }
                    }
                    else if (cur != null)
                    {
                        Pack();
                        current.Remove("ychange");
                    }
                    s.AppendTo(sb);
                    break;
                }
                case ContentType or ContentEmbed:
                    Pack();
                    ops.Add(new TextDeltaOp(n.Content.GetContent()[0], current.Count > 0 ? ToJsObject(current) : null));
                    break;
                case ContentFormat f:
                    if (Visible(n, snapshot))
                    {
                        Pack();
                        TextPosition.UpdateAttributes(current, f);
                    }
                    break;
            }
        }
        Pack();
        return ops;
    }

    /// <summary>The plain text as it was at a snapshot.</summary>
    public string ToString(Snapshot snapshot) => string.Concat(ToDelta(snapshot).Select(op => op.Insert as string ?? ""));

    public List<TextDeltaOp> ToDelta()
    {
        var ops = new List<TextDeltaOp>();
        var current = new Dictionary<string, object?>();
        var sb = new StringBuilder();
        void Pack()
        {
            if (sb.Length == 0) return;
            ops.Add(new TextDeltaOp(sb.ToString(), current.Count > 0 ? ToJsObject(current) : null));
            sb.Clear();
        }
        for (var n = Start; n != null; n = n.Right)
        {
            if (n.IsDeleted) continue;
            switch (n.Content)
            {
                case ContentString s:
                    s.AppendTo(sb);
                    break;
                case ContentType or ContentEmbed:
                    Pack();
                    ops.Add(new TextDeltaOp(n.Content.GetContent()[0], current.Count > 0 ? ToJsObject(current) : null));
                    break;
                case ContentFormat f:
                    Pack();
                    TextPosition.UpdateAttributes(current, f);
                    break;
            }
        }
        Pack();
        return ops;
    }

    private static JsObject ToJsObject(Dictionary<string, object?> attrs)
    {
        var o = new JsObject();
        foreach (var (k, v) in attrs) o[k] = v;
        return o;
    }

    private static bool EqualAttrs(object? a, object? b)
    {
        if (JsValue.StrictEquals(a, b)) return true;
        if (a is JsObject oa && b is JsObject ob)
        {
            if (oa.Count != ob.Count) return false;
            foreach (var (k, v) in oa)
            {
                if (!ob.TryGetValue(k, out var w)) { if (v is not Undefined) return false; continue; }
                if (!JsValue.StrictEquals(v, w)) return false;
            }
            return true;
        }
        return false;
    }

    private Item NewItem(Transaction tx, Item? left, Item? right, AbstractContent content)
    {
        var own = tx.Doc.ClientId;
        return new Item(new Id(own, tx.Doc.Store.GetState(own)), left, left?.LastId, right, right?.Id, this, null, content);
    }

    private static readonly List<KeyValuePair<string, object?>> NoNegated = new();

    private void InsertContent(Transaction tx, TextPosition pos, AbstractContent content, JsObject attributes)
    {
        List<KeyValuePair<string, object?>> negated;
        if (attributes.Count == 0 && pos.CurrentAttributes.Count == 0)
        {
            // Plain text without formatting around: nothing to open or close (the common typing path).
            MinimizeAttributeChanges(pos, attributes);
            negated = NoNegated;
        }
        else
        {
            var attrs = new JsObject();
            foreach (var (k, v) in attributes) attrs[k] = v;
            foreach (var key in pos.CurrentAttributes.Keys)
            {
                if (!attrs.ContainsKey(key)) attrs[key] = null;
            }
            MinimizeAttributeChanges(pos, attrs);
            negated = InsertAttributes(tx, pos, attrs);
        }
        if (SearchMarkers != null) SearchMarker.UpdateChanges(SearchMarkers, pos.Index, content.Length);
        var index = pos.Index;
        var right = NewItem(tx, pos.Left, pos.Right, content);
        right.Integrate(tx, 0);
        pos.Right = right;
        pos.Index = index;
        pos.Forward();
        InsertNegatedAttributes(tx, pos, negated);
    }

    private static void MinimizeAttributeChanges(TextPosition pos, JsObject attributes)
    {
        while (pos.Right != null)
        {
            var r = pos.Right;
            if (r.IsDeleted || (r.Content is ContentFormat f && EqualAttrs(attributes.TryGetValue(f.Key, out var v) && v is not Undefined ? v : null, f.Value)))
            {
                pos.Forward();
                continue;
            }
            break;
        }
    }

    private List<KeyValuePair<string, object?>> InsertAttributes(Transaction tx, TextPosition pos, JsObject attributes)
    {
        var negated = new List<KeyValuePair<string, object?>>();
        foreach (var (key, val) in attributes)
        {
            var current = pos.CurrentAttributes.TryGetValue(key, out var c) ? c : null;
            if (!EqualAttrs(current, val))
            {
                SetNegated(negated, key, current);
                pos.Right = NewItem(tx, pos.Left, pos.Right, new ContentFormat(key, val));
                pos.Right.Integrate(tx, 0);
                pos.Forward();
            }
        }
        return negated;
    }

    // Negated attributes keep Map semantics (insertion order, overwrite in place) as in yjs.
    private static void SetNegated(List<KeyValuePair<string, object?>> negated, string key, object? value)
    {
        for (var i = 0; i < negated.Count; i++)
        {
            if (negated[i].Key == key)
            {
                negated[i] = new KeyValuePair<string, object?>(key, value);
                return;
            }
        }
        negated.Add(new KeyValuePair<string, object?>(key, value));
    }

    private static bool TryGetNegated(List<KeyValuePair<string, object?>> negated, string key, out object? value)
    {
        foreach (var kv in negated)
        {
            if (kv.Key == key)
            {
                value = kv.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    private static void RemoveNegated(List<KeyValuePair<string, object?>> negated, string key) => negated.RemoveAll(kv => kv.Key == key);

    private void InsertNegatedAttributes(Transaction tx, TextPosition pos, List<KeyValuePair<string, object?>> negated)
    {
        while (pos.Right != null)
        {
            var r = pos.Right;
            if (r.IsDeleted || (r.Content is ContentFormat f && EqualAttrs(TryGetNegated(negated, f.Key, out var nv) ? nv : Undefined.Value, f.Value)))
            {
                if (!r.IsDeleted) RemoveNegated(negated, ((ContentFormat)r.Content).Key);
                pos.Forward();
                continue;
            }
            break;
        }
        foreach (var (key, val) in negated)
        {
            var next = NewItem(tx, pos.Left, pos.Right, new ContentFormat(key, val));
            next.Integrate(tx, 0);
            pos.Right = next;
            pos.Forward();
        }
    }

    private void FormatText(Transaction tx, TextPosition pos, long length, JsObject attributes)
    {
        MinimizeAttributeChanges(pos, attributes);
        var negated = InsertAttributes(tx, pos, attributes);
        var store = tx.Doc.Store;
        while (pos.Right != null && (length > 0 || (negated.Count > 0 && (pos.Right.IsDeleted || pos.Right.Content is ContentFormat))))
        {
            var r = pos.Right;
            if (!r.IsDeleted)
            {
                if (r.Content is ContentFormat f)
                {
                    if (attributes.TryGetValue(f.Key, out var attr) && attr is not Undefined)
                    {
                        if (EqualAttrs(attr, f.Value)) RemoveNegated(negated, f.Key);
                        else
                        {
                            if (length == 0) break;
                            SetNegated(negated, f.Key, f.Value);
                        }
                        r.Delete(tx);
                    }
                    else pos.CurrentAttributes[f.Key] = f.Value;
                }
                else
                {
                    if (length < r.Length) store.GetItemCleanStart(tx, new Id(r.Id.Client, r.Id.Clock + length));
                    length -= r.Length;
                }
            }
            pos.Forward();
        }
        if (length > 0)
        {
            var newlines = new string('\n', (int)length);
            pos.Right = NewItem(tx, pos.Left, pos.Right, new ContentString(newlines));
            pos.Right.Integrate(tx, 0);
            pos.Forward();
        }
        InsertNegatedAttributes(tx, pos, negated);
    }

    private void DeleteText(Transaction tx, TextPosition pos, long length)
    {
        var startLength = length;
        var startAttrs = new Dictionary<string, object?>(pos.CurrentAttributes);
        var start = pos.Right;
        var store = tx.Doc.Store;
        while (length > 0 && pos.Right != null)
        {
            var r = pos.Right;
            if (!r.IsDeleted && r.Content is ContentType or ContentEmbed or ContentString)
            {
                if (length < r.Length) store.GetItemCleanStart(tx, new Id(r.Id.Client, r.Id.Clock + length));
                length -= r.Length;
                r.Delete(tx);
            }
            pos.Forward();
        }
        if (start != null) CleanupFormattingGap(tx, start, pos.Right, startAttrs, pos.CurrentAttributes);
        var parent = (pos.Left ?? pos.Right)?.Parent;
        if (parent?.SearchMarkers != null) SearchMarker.UpdateChanges(parent.SearchMarkers, pos.Index, -startLength + length);
    }

    private static int CleanupFormattingGap(Transaction tx, Item start, Item? curr, Dictionary<string, object?> startAttributes, Dictionary<string, object?> currAttributes)
    {
        Item? end = start;
        var endFormats = new Dictionary<string, ContentFormat>();
        while (end != null && (!end.Countable || end.IsDeleted))
        {
            if (!end.IsDeleted && end.Content is ContentFormat cf) endFormats[cf.Key] = cf;
            end = end.Right;
        }
        var cleanups = 0;
        var reachedCurr = false;
        Item? s = start;
        while (s != end && s != null)
        {
            if (curr == s) reachedCurr = true;
            if (!s.IsDeleted && s.Content is ContentFormat f)
            {
                var startValue = startAttributes.TryGetValue(f.Key, out var sv) ? sv : null;
                if (!endFormats.TryGetValue(f.Key, out var ef) || ef != f || JsValue.StrictEquals(startValue, f.Value))
                {
                    s.Delete(tx);
                    cleanups++;
                    var currValue = currAttributes.TryGetValue(f.Key, out var cv) ? cv : null;
                    if (!reachedCurr && JsValue.StrictEquals(currValue, f.Value) && !JsValue.StrictEquals(startValue, f.Value))
                    {
                        if (startValue == null) currAttributes.Remove(f.Key);
                        else currAttributes[f.Key] = startValue;
                    }
                }
                if (!reachedCurr && !s.IsDeleted) TextPosition.UpdateAttributes(currAttributes, f);
            }
            s = s.Right;
        }
        return cleanups;
    }

    private static void CleanupContextlessFormattingGap(Transaction tx, Item? item)
    {
        while (item != null && item.Right != null && (item.Right.IsDeleted || !item.Right.Countable)) item = item.Right;
        var attrs = new HashSet<string>();
        while (item != null && (item.IsDeleted || !item.Countable))
        {
            if (!item.IsDeleted && item.Content is ContentFormat f)
            {
                if (!attrs.Add(f.Key)) item.Delete(tx);
            }
            item = item.Left;
        }
    }

    /// <summary>Removes redundant formatting marks from the whole text; returns how many were removed.</summary>
    public int CleanupFormatting()
    {
        var res = 0;
        RequireDoc().Transact(tx =>
        {
            var start = Start;
            var end = Start;
            var startAttributes = new Dictionary<string, object?>();
            var current = new Dictionary<string, object?>();
            while (end != null)
            {
                if (!end.IsDeleted)
                {
                    if (end.Content is ContentFormat f) TextPosition.UpdateAttributes(current, f);
                    else
                    {
                        res += CleanupFormattingGap(tx, start!, end, startAttributes, current);
                        startAttributes = new Dictionary<string, object?>(current);
                        start = end;
                    }
                }
                end = end.Right;
            }
        });
        return res;
    }

    /// <summary>After a remote change to formatted text, removes duplicate formats like yjs does.</summary>
    internal static void CleanupAfterTransaction(Transaction transaction)
    {
        var needFull = new HashSet<YText>(ReferenceEqualityComparer.Instance);
        var doc = transaction.Doc;
        foreach (var (client, afterClock) in transaction.AfterState)
        {
            var clock = transaction.BeforeStateOf(client);
            if (afterClock == clock) continue;
            var structs = doc.Store.Clients[client];
            for (var i = StructStore.FindIndex(structs, clock); i < structs.Count; i++)
            {
                if (structs[i] is Item { IsDeleted: false, Content: ContentFormat, Parent: YText t }) needFull.Add(t);
            }
        }
        doc.Transact(t =>
        {
            foreach (var (client, ranges) in transaction.DeleteSet.Clients)
            {
                var structs = doc.Store.Clients[client];
                foreach (var range in ranges)
                {
                    Structs.StructIteration.Iterate(t, structs, range.Clock, range.Length, s =>
                    {
                        if (s is not Item item || item.Parent is not YText parent || !parent.HasFormatting || needFull.Contains(parent)) return;
                        if (item.Content is ContentFormat) needFull.Add(parent);
                        else CleanupContextlessFormattingGap(t, item);
                    });
                }
            }
            foreach (var text in needFull) text.CleanupFormatting();
        });
    }
}
