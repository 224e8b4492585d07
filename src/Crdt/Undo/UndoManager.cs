using Vibe.Crdt.Structs;
using Vibe.Crdt.Types;

namespace Vibe.Crdt;

/// <summary>One undoable step: what it inserted and what it deleted, plus caller metadata.</summary>
public sealed class StackItem
{
    internal StackItem(DeleteSet deletions, DeleteSet insertions)
    {
        Deletions = deletions;
        Insertions = insertions;
    }

    public DeleteSet Insertions { get; internal set; }
    public DeleteSet Deletions { get; internal set; }
    public Dictionary<string, object?> Meta { get; } = new();
}

/// <summary>Options of an <see cref="UndoManager"/>, as in yjs.</summary>
public sealed record UndoManagerOptions
{
    /// <summary>Changes within this interval are merged into one stack item.</summary>
    public TimeSpan CaptureTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    public Func<Transaction, bool>? CaptureTransaction { get; init; }
    public Func<Item, bool>? DeleteFilter { get; init; }
    /// <summary>Origins whose transactions are tracked; null (local changes without origin) by default.</summary>
    public IEnumerable<object?>? TrackedOrigins { get; init; }
    public bool IgnoreRemoteMapChanges { get; init; }
    public TimeProvider? Time { get; init; }
}

/// <summary>Undo/redo of changes to a set of types (the scope), following yjs's UndoManager.</summary>
public sealed class UndoManager : IDisposable
{
    private readonly List<AbstractType> _scope = new();
    private readonly HashSet<object?> _trackedOrigins;
    private readonly Func<Transaction, bool> _captureTransaction;
    private readonly Func<Item, bool> _deleteFilter;
    private readonly TimeProvider _time;
    private readonly bool _ignoreRemoteMapChanges;
    private StackItem? _currStackItem;
    private DateTimeOffset? _lastChange;
    private bool _undoing;
    private bool _redoing;

    public UndoManager(AbstractType scope, UndoManagerOptions? options = null) : this(new[] { scope }, options) { }

    public UndoManager(IEnumerable<AbstractType> scope, UndoManagerOptions? options = null)
    {
        options ??= new UndoManagerOptions();
        var types = scope.ToList();
        Doc = types[0].Doc ?? throw new ArgumentException("Scope types must belong to a document", nameof(scope));
        foreach (var t in types) AddToScope(t);
        _trackedOrigins = new HashSet<object?>(options.TrackedOrigins ?? new object?[] { null }) { this };
        _captureTransaction = options.CaptureTransaction ?? (_ => true);
        _deleteFilter = options.DeleteFilter ?? (_ => true);
        _time = options.Time ?? TimeProvider.System;
        _ignoreRemoteMapChanges = options.IgnoreRemoteMapChanges;
        CaptureTimeout = options.CaptureTimeout;
        Doc.ChangeTrackers++;
        Doc.AfterTransaction += OnAfterTransaction;
    }

    public Doc Doc { get; }
    public TimeSpan CaptureTimeout { get; set; }
    public List<StackItem> UndoStack { get; private set; } = new();
    public List<StackItem> RedoStack { get; private set; } = new();
    public bool CanUndo => UndoStack.Count > 0;
    public bool CanRedo => RedoStack.Count > 0;

    public event Action<StackItem, string>? StackItemAdded;
    public event Action<StackItem, string>? StackItemUpdated;
    public event Action<StackItem, string>? StackItemPopped;

    public void AddToScope(AbstractType type)
    {
        if (type.Doc != Doc) throw new ArgumentException("Type belongs to another document", nameof(type));
        if (!_scope.Contains(type)) _scope.Add(type);
    }

    public void AddTrackedOrigin(object? origin) => _trackedOrigins.Add(origin);
    public void RemoveTrackedOrigin(object? origin) => _trackedOrigins.Remove(origin);

    /// <summary>Makes the next change start a new stack item even within the capture timeout.</summary>
    public void StopCapturing() => _lastChange = null;

    private bool InScope(Item item)
    {
        foreach (var type in _scope) if (IsParentOf(type, item)) return true;
        return false;
    }

    private static bool IsParentOf(AbstractType parent, Item? child)
    {
        while (child != null)
        {
            if (child.Parent == parent) return true;
            child = child.Parent?.Item;
        }
        return false;
    }

    private static void KeepItem(Item? item, bool keep)
    {
        while (item != null && item.Keep != keep)
        {
            item.Keep = keep;
            item = item.Parent?.Item;
        }
    }

    private static void IterateDeleted(Transaction tx, DeleteSet ds, Action<AbstractStruct> visit)
    {
        var store = tx.Doc.Store;
        foreach (var (client, ranges) in ds.Clients)
        {
            if (!store.Clients.TryGetValue(client, out var structs)) continue;
            foreach (var r in ranges)
            {
                var end = Math.Min(r.Clock + r.Length, store.GetState(client));
                if (r.Clock < end) StructIteration.Iterate(tx, structs, r.Clock, end - r.Clock, visit);
            }
        }
    }

    private void OnAfterTransaction(Transaction tx)
    {
        var touchesScope = _scope.Any(t => tx.HasChangedParentTypes && tx.ChangedParentTypes.ContainsKey(t));
        if (!_captureTransaction(tx) || !touchesScope || (!_trackedOrigins.Contains(tx.Origin) && (tx.Origin == null || !_trackedOrigins.Contains(tx.Origin.GetType())))) return;
        var undoing = _undoing;
        var redoing = _redoing;
        var stack = undoing ? RedoStack : UndoStack;
        if (undoing) StopCapturing();
        else if (!redoing) Clear(false, true);
        var insertions = new DeleteSet();
        foreach (var (client, endClock) in tx.AfterState)
        {
            var len = endClock - tx.BeforeStateOf(client);
            if (len > 0) insertions.Add(client, tx.BeforeStateOf(client), len);
        }
        var now = _time.GetUtcNow();
        var didAdd = false;
        if (_lastChange is { } last && now - last < CaptureTimeout && stack.Count > 0 && !undoing && !redoing)
        {
            var lastOp = stack[^1];
            lastOp.Deletions = DeleteSet.Merge(new[] { lastOp.Deletions, tx.DeleteSet });
            lastOp.Insertions = DeleteSet.Merge(new[] { lastOp.Insertions, insertions });
        }
        else
        {
            stack.Add(new StackItem(tx.DeleteSet, insertions));
            didAdd = true;
        }
        if (!undoing && !redoing) _lastChange = now;
        IterateDeleted(tx, tx.DeleteSet, s =>
        {
            if (s is Item item && InScope(item)) KeepItem(item, true);
        });
        var kind = undoing ? "redo" : "undo";
        if (didAdd) StackItemAdded?.Invoke(stack[^1], kind);
        else StackItemUpdated?.Invoke(stack[^1], kind);
    }

    public void Clear(bool clearUndoStack = true, bool clearRedoStack = true)
    {
        if (!((clearUndoStack && CanUndo) || (clearRedoStack && CanRedo))) return;
        Doc.Transact(tx =>
        {
            void ClearItem(StackItem si) => IterateDeleted(tx, si.Deletions, s =>
            {
                if (s is Item item && InScope(item)) KeepItem(item, false);
            });
            if (clearUndoStack)
            {
                UndoStack.ForEach(ClearItem);
                UndoStack = new List<StackItem>();
            }
            if (clearRedoStack)
            {
                RedoStack.ForEach(ClearItem);
                RedoStack = new List<StackItem>();
            }
        });
    }

    public StackItem? Undo()
    {
        _undoing = true;
        try
        {
            return Pop(UndoStack, "undo");
        }
        finally
        {
            _undoing = false;
        }
    }

    public StackItem? Redo()
    {
        _redoing = true;
        try
        {
            return Pop(RedoStack, "redo");
        }
        finally
        {
            _redoing = false;
        }
    }

    private StackItem? Pop(List<StackItem> stack, string kind)
    {
        Doc.Transact(tx =>
        {
            var store = Doc.Store;
            while (stack.Count > 0 && _currStackItem == null)
            {
                var stackItem = stack[^1];
                stack.RemoveAt(stack.Count - 1);
                var itemsToRedo = new List<Item>();
                var redoSet = new HashSet<Item>(ReferenceEqualityComparer.Instance);
                var itemsToDelete = new List<Item>();
                var performedChange = false;
                IterateDeleted(tx, stackItem.Insertions, s =>
                {
                    if (s is not Item item) return;
                    if (item.Redone != null)
                    {
                        var (followed, diff) = FollowRedone(store, item.Id);
                        if (diff > 0) followed = store.GetItemCleanStart(tx, new Id(followed.Id.Client, followed.Id.Clock + diff));
                        if (followed is not Item fi) return;
                        item = fi;
                    }
                    if (!item.IsDeleted && InScope(item)) itemsToDelete.Add(item);
                });
                IterateDeleted(tx, stackItem.Deletions, s =>
                {
                    if (s is Item item && InScope(item) && !stackItem.Insertions.IsDeleted(item.Id) && redoSet.Add(item)) itemsToRedo.Add(item);
                });
                foreach (var item in itemsToRedo)
                {
                    performedChange = RedoItem(tx, item, redoSet, stackItem.Insertions) != null || performedChange;
                }
                for (var i = itemsToDelete.Count - 1; i >= 0; i--)
                {
                    var item = itemsToDelete[i];
                    if (_deleteFilter(item))
                    {
                        item.Delete(tx);
                        performedChange = true;
                    }
                }
                _currStackItem = performedChange ? stackItem : null;
            }
            foreach (var (type, subs) in tx.Changed)
            {
                if (subs.Contains(null)) type.SearchMarkers?.Clear();
            }
        }, this);
        var res = _currStackItem;
        if (res != null)
        {
            StackItemPopped?.Invoke(res, kind);
            _currStackItem = null;
        }
        return res;
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

    private bool IsDeletedByStacks(Id id) =>
        UndoStack.Any(s => s.Deletions.IsDeleted(id)) || RedoStack.Any(s => s.Deletions.IsDeleted(id));

    /// <summary>Re-inserts a copy of a deleted item next to where it was (yjs redoItem).</summary>
    private Item? RedoItem(Transaction tx, Item item, HashSet<Item> redoItems, DeleteSet itemsToDelete)
    {
        var doc = tx.Doc;
        var store = doc.Store;
        if (item.Redone is { } redone) return store.GetItemCleanStart(tx, redone);
        var parentItem = item.Parent!.Item;
        Item? left = null;
        Item? right;
        if (parentItem != null && parentItem.IsDeleted)
        {
            if (parentItem.Redone == null && (!redoItems.Contains(parentItem) || RedoItem(tx, parentItem, redoItems, itemsToDelete) == null)) return null;
            while (parentItem.Redone is { } pr) parentItem = store.GetItemCleanStart(tx, pr);
        }
        var parentType = parentItem == null ? item.Parent : ((ContentType)parentItem.Content).Type;
        if (item.ParentSub == null)
        {
            left = item.Left;
            right = item;
            while (left != null)
            {
                Item? trace = left;
                while (trace != null && trace.Parent!.Item != parentItem) trace = trace.Redone is { } r ? store.GetItemCleanStart(tx, r) : null;
                if (trace != null && trace.Parent!.Item == parentItem)
                {
                    left = trace;
                    break;
                }
                left = left.Left;
            }
            while (right != null)
            {
                Item? trace = right;
                while (trace != null && trace.Parent!.Item != parentItem) trace = trace.Redone is { } r ? store.GetItemCleanStart(tx, r) : null;
                if (trace != null && trace.Parent!.Item == parentItem)
                {
                    right = trace;
                    break;
                }
                right = right.Right;
            }
        }
        else
        {
            right = null;
            if (item.Right != null && !_ignoreRemoteMapChanges)
            {
                left = item;
                while (left != null && left.Right != null && (left.Right.Redone != null || itemsToDelete.IsDeleted(left.Right.Id) || IsDeletedByStacks(left.Right.Id)))
                {
                    left = left.Right;
                    while (left.Redone is { } r) left = store.GetItemCleanStart(tx, r);
                }
                if (left != null && left.Right != null) return null;
            }
            else left = parentType.MapField.GetValueOrDefault(item.ParentSub);
            if (left != null && left.Parent!.Item != parentItem) left = parentType.MapField.GetValueOrDefault(item.ParentSub);
        }
        var own = doc.ClientId;
        var nextId = new Id(own, store.GetState(own));
        var redoneItem = new Item(nextId, left, left?.LastId, right, right?.Id, parentType, item.ParentSub, item.Content.Copy());
        item.Redone = nextId;
        KeepItem(redoneItem, true);
        redoneItem.Integrate(tx, 0);
        return redoneItem;
    }

    public void Dispose()
    {
        _trackedOrigins.Remove(this);
        Doc.AfterTransaction -= OnAfterTransaction;
        Doc.ChangeTrackers--;
    }
}
