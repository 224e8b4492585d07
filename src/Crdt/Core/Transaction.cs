using Vibe.Crdt.Structs;
using Vibe.Crdt.Types;

namespace Vibe.Crdt;

/// <summary>A batch of changes to a document; observers and cleanup run once when the outermost transaction ends.</summary>
public sealed class Transaction
{
    internal Transaction(Doc doc, object? origin, bool local)
    {
        Doc = doc;
        Origin = origin;
        Local = local;
        BeforeState = doc.Store.GetStateVector();
    }

    public Doc Doc { get; }
    public object? Origin { get; }
    /// <summary>True when the change was made by this peer rather than applied from an update.</summary>
    public bool Local { get; internal set; }
    private DeleteSet? _deleteSet;
    /// <summary>What this transaction deleted (made on first use: most transactions only insert).</summary>
    public DeleteSet DeleteSet => _deleteSet ??= new();
    internal bool HasDeletes => _deleteSet is { IsEmpty: false };
    public Dictionary<long, long> BeforeState { get; }
    /// <summary>The state vector once the transaction ended; empty until its cleanup (never written to before then).</summary>
    public Dictionary<long, long> AfterState { get; internal set; } = NoState;
    private static readonly Dictionary<long, long> NoState = new();
    /// <summary>
    /// Types changed in this transaction with the map keys touched (null for list changes). A type changed only as a
    /// list shares one set holding null; treat the sets as read-only.
    /// </summary>
    public Dictionary<AbstractType, HashSet<string?>> Changed { get; } = new(ReferenceEqualityComparer.Instance);
    /// <summary>Changed types together with every ancestor, each with the events that reached it.</summary>
    private Dictionary<AbstractType, List<YEvent>>? _changedParentTypes;
    public Dictionary<AbstractType, List<YEvent>> ChangedParentTypes => _changedParentTypes ??= new(ReferenceEqualityComparer.Instance);
    internal bool HasChangedParentTypes => _changedParentTypes is { Count: > 0 };
    private List<Item>? _mergeStructs;
    internal List<Item> MergeStructs => _mergeStructs ??= new();
    internal bool HasMergeStructs => _mergeStructs is { Count: > 0 };
    private HashSet<Doc>? _subdocsAdded;
    private HashSet<Doc>? _subdocsRemoved;
    private HashSet<Doc>? _subdocsLoaded;
    public HashSet<Doc> SubdocsAdded => _subdocsAdded ??= new();
    public HashSet<Doc> SubdocsRemoved => _subdocsRemoved ??= new();
    public HashSet<Doc> SubdocsLoaded => _subdocsLoaded ??= new();
    internal bool HasSubdocChanges => _subdocsAdded is { Count: > 0 } || _subdocsRemoved is { Count: > 0 } || _subdocsLoaded is { Count: > 0 };
    internal bool NeedFormattingCleanup;

    /// <summary>The v1 update this transaction produced (null when it changed nothing); final once cleanup ran.</summary>
    public byte[]? EncodeUpdate() => Updates.UpdateWriter.EncodeTransaction(this);

    private static readonly HashSet<string?> ListChangeOnly = [null];

    internal long BeforeStateOf(long client) => BeforeState.TryGetValue(client, out var c) ? c : 0;

    internal void AddChangedType(AbstractType type, string? parentSub)
    {
        var item = type.Item;
        if (item == null || (item.Id.Clock < BeforeStateOf(item.Id.Client) && !item.IsDeleted))
        {
            if (!Changed.TryGetValue(type, out var set))
            {
                // Most changes are to a list (a text): one shared set, not a new one per transaction.
                Changed[type] = parentSub is null ? ListChangeOnly : new HashSet<string?> { parentSub };
            }
            else if (!set.Contains(parentSub))
            {
                if (ReferenceEquals(set, ListChangeOnly)) Changed[type] = new HashSet<string?> { null, parentSub };
                else set.Add(parentSub);
            }
        }
    }
}
