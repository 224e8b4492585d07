using System.Security.Cryptography;
using Vibe.Crdt.Structs;
using Vibe.Crdt.Types;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt;

/// <summary>Options of a document, as yjs's Doc constructor takes them.</summary>
public sealed record DocOptions
{
    public long? ClientId { get; init; }
    public string? Guid { get; init; }
    public bool Gc { get; init; } = true;
    public Func<Item, bool>? GcFilter { get; init; }
    public object? Meta { get; init; }
    public bool AutoLoad { get; init; }
    public bool ShouldLoad { get; init; } = true;
}

/// <summary>A Yjs document: named root types over one struct store.</summary>
public sealed class Doc
{
    private Transaction? _transaction;
    private List<Transaction> _cleanups = new();

    public Doc() : this(new DocOptions()) { }

    public Doc(DocOptions options)
    {
        ClientId = options.ClientId ?? GenerateClientId();
        if (ClientId < 0 || ClientId > Encoding.Lib0Reader.MaxSafeInteger) throw new ArgumentOutOfRangeException(nameof(options), "Client id must be between 0 and 2^53-1");
        Guid = options.Guid ?? System.Guid.NewGuid().ToString();
        Gc = options.Gc;
        GcFilter = options.GcFilter ?? (_ => true);
        Meta = options.Meta;
        AutoLoad = options.AutoLoad;
        ShouldLoad = options.ShouldLoad || options.AutoLoad;
    }

    public long ClientId { get; set; }
    public string Guid { get; }
    public bool Gc { get; set; }
    public Func<Item, bool> GcFilter { get; set; }
    public object? Meta { get; }
    public bool AutoLoad { get; }
    public bool ShouldLoad { get; set; }
    /// <summary>The item holding this document when it is a sub-document.</summary>
    public Item? Item { get; internal set; }
    public StructStore Store { get; } = new();
    /// <summary>Root types by name, in creation order.</summary>
    public Dictionary<string, AbstractType> Share { get; } = new();
    public HashSet<Doc> Subdocs { get; } = new();

    /// <summary>Raised after each transaction that changed something, with its v1 update.</summary>
    public event Action<byte[], object?, Transaction>? Update;
    public event Action<Transaction>? BeforeTransaction;
    public event Action<Transaction>? AfterTransaction;
    /// <summary>Raised after garbage collection and struct merging; <see cref="Transaction.EncodeUpdate"/> gives the transaction's update.</summary>
    public event Action<Transaction>? AfterTransactionCleanup;
    /// <summary>Raised when sub-documents were added, removed or loaded.</summary>
    public event Action<SubdocsChange, Transaction>? SubdocsChanged;

    internal bool HasUpdateListeners => Update != null;

    /// <summary>Number of components (undo managers) that need changed parent types even without observers.</summary>
    internal int ChangeTrackers;

    /// <summary>Asks the parent document to load this sub-document (raises its SubdocsChanged with Loaded).</summary>
    public void Load()
    {
        var item = Item;
        if (item != null && !ShouldLoad && item.Parent?.Doc is { } parentDoc)
        {
            parentDoc.Transact(tx => tx.SubdocsLoaded.Add(this));
        }
        ShouldLoad = true;
    }

    public IEnumerable<string> GetSubdocGuids() => Subdocs.Select(d => d.Guid).Distinct();

    public static long GenerateClientId() => RandomNumberGenerator.GetInt32(int.MaxValue) * 2L + RandomNumberGenerator.GetInt32(2);

    internal static Doc FromOptions(string guid, JsObject options)
    {
        var gc = !(options.TryGetValue("gc", out var g) && g is false);
        var autoLoad = options.TryGetValue("autoLoad", out var a) && a is true;
        var shouldLoad = (options.TryGetValue("shouldLoad", out var s) && s is true) || autoLoad;
        options.TryGetValue("meta", out var meta);
        return new Doc(new DocOptions { Guid = guid, Gc = gc, AutoLoad = autoLoad, ShouldLoad = shouldLoad, Meta = meta });
    }

    public void Transact(Action<Transaction> action, object? origin = null) => Transact(action, origin, true);

    public T Transact<T>(Func<Transaction, T> func, object? origin = null)
    {
        T result = default!;
        Transact(tx => { result = func(tx); }, origin, true);
        return result;
    }

    internal void Transact(Action<Transaction> action, object? origin, bool local) =>
        Transact(action, static (tx, run) => run(tx), origin, local);

    /// <summary>As <see cref="Transact(Action{Transaction}, object?, bool)"/>, with the action's state passed in (no closure per call).</summary>
    internal void Transact<TState>(TState state, Action<Transaction, TState> action, object? origin, bool local)
    {
        var initial = false;
        if (_transaction == null)
        {
            initial = true;
            _transaction = new Transaction(this, origin, local);
            _cleanups.Add(_transaction);
            BeforeTransaction?.Invoke(_transaction);
        }
        try
        {
            action(_transaction, state);
        }
        finally
        {
            if (initial)
            {
                var finish = ReferenceEquals(_transaction, _cleanups[0]);
                _transaction = null;
                if (finish) CleanupTransactions();
            }
        }
    }

    /// <summary>Current transaction, if one is running.</summary>
    public Transaction? CurrentTransaction => _transaction;

    public YText GetText(string name = "") => (YText)Get(name, static () => new YText());
    public YMap GetMap(string name = "") => (YMap)Get(name, static () => new YMap());
    public YArray GetArray(string name = "") => (YArray)Get(name, static () => new YArray());
    public YXmlFragment GetXmlFragment(string name = "") => (YXmlFragment)Get(name, static () => new YXmlFragment());
    public YXmlElement GetXmlElement(string name = "") => (YXmlElement)Get(name, static () => new YXmlElement());

    /// <summary>Gets or defines a root type; a root first created by an update is converted to the requested kind.</summary>
    public AbstractType Get(string name, Func<AbstractType> factory)
    {
        if (Share.TryGetValue(name, out var existing))
        {
            if (existing is YUnknown)
            {
                var typed = factory();
                typed.AdoptFrom(existing);
                typed.Integrate(this, null);
                typed.RootName = name;
                Share[name] = typed;
                return typed;
            }
            var wanted = factory();
            if (wanted.GetType() != existing.GetType()) throw new InvalidOperationException($"Type with the name {name} has already been defined with a different constructor");
            return existing;
        }
        var created = factory();
        created.RootName = name;
        created.Integrate(this, null);
        Share[name] = created;
        return created;
    }

    internal AbstractType GetOrCreateRoot(string name)
    {
        if (Share.TryGetValue(name, out var existing)) return existing;
        var t = new YUnknown { RootName = name };
        t.Integrate(this, null);
        Share[name] = t;
        return t;
    }

    /// <summary>Every root's JSON value, as yjs's doc.toJSON() (roots first created by an update appear once typed).</summary>
    public JsObject ToJson()
    {
        var obj = new JsObject();
        foreach (var (k, v) in Share) obj[k] = v.ToJson();
        return obj;
    }

    private void CleanupTransactions()
    {
        // Observers may throw; every pending transaction is still cleaned up and the first error rethrown.
        Exception? first = null;
        for (var i = 0; i < _cleanups.Count; i++)
        {
            try
            {
                CleanupTransaction(_cleanups[i]);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }
        _cleanups.Clear();
        if (first != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    private void CleanupTransaction(Transaction tx)
    {
        var store = Store;
        try
        {
            if (tx.HasDeletes) tx.DeleteSet.SortAndMerge();
            tx.AfterState = store.GetStateVector();
            foreach (var (type, subs) in tx.Changed)
            {
                if (type.Item == null || !type.Item.IsDeleted) type.CallObserver(tx, subs);
            }
            if (tx.HasChangedParentTypes) Events.CallDeepObservers(tx);
            AfterTransaction?.Invoke(tx);
            if (tx.NeedFormattingCleanup) YText.CleanupAfterTransaction(tx);
        }
        finally
        {
            if (tx.HasDeletes)
            {
                if (Gc) TryGcDeleteSet(tx.DeleteSet, store, GcFilter);
                TryMergeDeleteSet(tx.DeleteSet, store);
            }
            foreach (var (client, clock) in tx.AfterState)
            {
                var before = tx.BeforeStateOf(client);
                if (before == clock) continue;
                var structs = store.Clients[client];
                var firstChangePos = Math.Max(StructStore.FindIndex(structs, before), 1);
                for (var i = structs.Count - 1; i >= firstChangePos;) i -= 1 + TryToMergeWithLefts(structs, i);
            }
            for (var i = tx.HasMergeStructs ? tx.MergeStructs.Count - 1 : -1; i >= 0; i--)
            {
                var id = tx.MergeStructs[i].Id;
                var structs = store.Clients[id.Client];
                var pos = StructStore.FindIndex(structs, id.Clock);
                if (pos + 1 < structs.Count && TryToMergeWithLefts(structs, pos + 1) > 1) continue;
                if (pos > 0) TryToMergeWithLefts(structs, pos);
            }
            if (!tx.Local && tx.AfterState.GetValueOrDefault(ClientId, -1) != tx.BeforeState.GetValueOrDefault(ClientId, -1))
            {
                ClientId = GenerateClientId();
            }
            AfterTransactionCleanup?.Invoke(tx);
            if (Update != null)
            {
                var bytes = UpdateWriter.EncodeTransaction(tx);
                if (bytes != null) Update.Invoke(bytes, tx.Origin, tx);
            }
            if (tx.HasSubdocChanges)
            {
                foreach (var sub in tx.SubdocsAdded)
                {
                    sub.ClientId = ClientId;
                    Subdocs.Add(sub);
                }
                foreach (var sub in tx.SubdocsRemoved) Subdocs.Remove(sub);
                SubdocsChanged?.Invoke(new SubdocsChange(tx.SubdocsAdded, tx.SubdocsRemoved, tx.SubdocsLoaded), tx);
            }
        }
    }

    private static void TryGcDeleteSet(DeleteSet ds, StructStore store, Func<Item, bool> filter)
    {
        foreach (var (client, ranges) in ds.Clients)
        {
            var structs = store.Clients[client];
            for (var di = ranges.Count - 1; di >= 0; di--)
            {
                var range = ranges[di];
                var end = range.Clock + range.Length;
                for (var si = StructStore.FindIndex(structs, range.Clock); si < structs.Count; si++)
                {
                    var s = structs[si];
                    if (s.Id.Clock >= end) break;
                    if (s is Item { IsDeleted: true, Keep: false } item && filter(item)) item.Gc(store, false);
                }
            }
        }
    }

    private static void TryMergeDeleteSet(DeleteSet ds, StructStore store)
    {
        foreach (var (client, ranges) in ds.Clients)
        {
            var structs = store.Clients[client];
            for (var di = ranges.Count - 1; di >= 0; di--)
            {
                var range = ranges[di];
                var mostRight = Math.Min(structs.Count - 1, 1 + StructStore.FindIndex(structs, range.Clock + range.Length - 1));
                for (var si = mostRight; si > 0 && structs[si].Id.Clock >= range.Clock;) si -= 1 + TryToMergeWithLefts(structs, si);
            }
        }
    }

    /// <summary>Merges the struct at pos with as many left neighbours as possible; returns how many were merged.</summary>
    internal static int TryToMergeWithLefts(List<AbstractStruct> structs, int pos)
    {
        var i = pos;
        while (i > 0)
        {
            var right = structs[i];
            var left = structs[i - 1];
            if (left.Deleted == right.Deleted && left.GetType() == right.GetType() && left.MergeWith(right))
            {
                if (right is Item ri && ri.ParentSub != null && ri.Parent!.MapField.TryGetValue(ri.ParentSub, out var cur) && cur == ri)
                {
                    ri.Parent.MapField[ri.ParentSub] = (Item)left;
                }
                i--;
                continue;
            }
            break;
        }
        var merged = pos - i;
        if (merged > 0) structs.RemoveRange(pos + 1 - merged, merged);
        return merged;
    }
}

/// <summary>Sub-documents added, removed and loaded in one transaction.</summary>
public sealed record SubdocsChange(IReadOnlySet<Doc> Added, IReadOnlySet<Doc> Removed, IReadOnlySet<Doc> Loaded);
