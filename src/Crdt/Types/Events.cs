using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Types;

/// <summary>How one map key changed in a transaction.</summary>
public sealed record KeyChange(string Action, object? OldValue);

/// <summary>What changed in one shared type during one transaction.</summary>
public class YEvent
{
    private List<JsObject>? _delta;
    private Dictionary<string, KeyChange>? _keys;

    internal YEvent(AbstractType target, Transaction tx, HashSet<string?> subs)
    {
        Target = target;
        CurrentTarget = target;
        Transaction = tx;
        foreach (var s in subs)
        {
            if (s == null) ChildListChanged = true;
            else KeysChanged.Add(s);
        }
    }

    public AbstractType Target { get; }
    public AbstractType CurrentTarget { get; internal set; }
    public Transaction Transaction { get; }
    public bool ChildListChanged { get; }
    public HashSet<string> KeysChanged { get; } = new();

    public bool Deletes(AbstractStruct s) => Transaction.DeleteSet.IsDeleted(s.Id);
    public bool Adds(AbstractStruct s) => s.Id.Clock >= Transaction.BeforeStateOf(s.Id.Client);

    /// <summary>Path of keys/indexes from CurrentTarget down to Target.</summary>
    public List<object> Path
    {
        get
        {
            var path = new List<object>();
            var child = Target;
            while (child != CurrentTarget && child.Item != null)
            {
                var item = child.Item;
                if (item.ParentSub != null) path.Insert(0, item.ParentSub);
                else
                {
                    long i = 0;
                    for (var c = item.Parent!.Start; c != item && c != null; c = c.Right)
                    {
                        if (!c.IsDeleted && c.Countable) i += c.Length;
                    }
                    path.Insert(0, (double)i);
                }
                child = item.Parent!;
            }
            return path;
        }
    }

    /// <summary>List changes as a delta of {insert:[...]}, {retain:n}, {delete:n} ops.</summary>
    public virtual List<JsObject> Delta => _delta ??= ComputeDelta();

    public Dictionary<string, KeyChange> Keys => _keys ??= ComputeKeys();

    private List<JsObject> ComputeDelta()
    {
        var delta = new List<JsObject>();
        if (!ChildListChanged) return delta;
        JsObject? last = null;
        string? lastKind = null;
        List<object?>? inserts = null;
        void Pack()
        {
            if (last != null) delta.Add(last);
        }
        for (var item = Target.Start; item != null; item = item.Right)
        {
            if (item.IsDeleted)
            {
                if (Deletes(item) && !Adds(item))
                {
                    if (lastKind != "delete")
                    {
                        Pack();
                        last = new JsObject { ["delete"] = 0.0 };
                        lastKind = "delete";
                    }
                    last!["delete"] = (double)last["delete"]! + item.Length;
                }
            }
            else if (Adds(item))
            {
                if (lastKind != "insert")
                {
                    Pack();
                    inserts = new List<object?>();
                    last = new JsObject { ["insert"] = inserts };
                    lastKind = "insert";
                }
                inserts!.AddRange(item.Content.GetContent());
            }
            else
            {
                if (lastKind != "retain")
                {
                    Pack();
                    last = new JsObject { ["retain"] = 0.0 };
                    lastKind = "retain";
                }
                last!["retain"] = (double)last["retain"]! + item.Length;
            }
        }
        if (last != null && lastKind != "retain") Pack();
        return delta;
    }

    private Dictionary<string, KeyChange> ComputeKeys()
    {
        var keys = new Dictionary<string, KeyChange>();
        foreach (var key in KeysChanged)
        {
            var item = Target.MapField[key];
            if (Adds(item))
            {
                var prev = item.Left;
                while (prev != null && Adds(prev)) prev = prev.Left;
                if (Deletes(item))
                {
                    if (prev != null && Deletes(prev)) keys[key] = new KeyChange("delete", LastValue(prev));
                }
                else if (prev != null && Deletes(prev)) keys[key] = new KeyChange("update", LastValue(prev));
                else keys[key] = new KeyChange("add", Undefined.Value);
            }
            else if (Deletes(item)) keys[key] = new KeyChange("delete", LastValue(item));
        }
        return keys;
    }

    private static object? LastValue(Item item)
    {
        var c = item.Content.GetContent();
        return c.Count == 0 ? Undefined.Value : c[^1];
    }
}

internal static class Events
{
    public static void CallTypeObservers(AbstractType type, Transaction tx, YEvent e)
    {
        var changedType = type;
        var changedParents = tx.ChangedParentTypes;
        while (true)
        {
            if (!changedParents.TryGetValue(type, out var list))
            {
                list = new List<YEvent>();
                changedParents[type] = list;
            }
            list.Add(e);
            if (type.Item == null) break;
            type = type.Item.Parent!;
            if (type == null) break;
        }
        changedType.InvokeObservers(e, tx);
    }

    public static void CallDeepObservers(Transaction tx)
    {
        foreach (var (type, events) in tx.ChangedParentTypes)
        {
            if (!type.HasDeepObservers || (type.Item != null && type.Item.IsDeleted)) continue;
            var filtered = events.Where(e => e.Target.Item == null || !e.Target.Item.IsDeleted).ToList();
            foreach (var e in filtered) e.CurrentTarget = type;
            filtered = filtered.OrderBy(e => e.Path.Count).ToList();
            if (filtered.Count > 0) type.InvokeDeep(filtered, tx);
        }
    }
}
