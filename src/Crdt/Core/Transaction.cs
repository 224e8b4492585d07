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
    public DeleteSet DeleteSet { get; } = new();
    public Dictionary<long, long> BeforeState { get; }
    public Dictionary<long, long> AfterState { get; internal set; } = new();
    /// <summary>Types changed in this transaction with the map keys touched (null for list changes).</summary>
    public Dictionary<AbstractType, HashSet<string?>> Changed { get; } = new(ReferenceEqualityComparer.Instance);
    /// <summary>Changed types together with every ancestor, each with the events that reached it.</summary>
    public Dictionary<AbstractType, List<YEvent>> ChangedParentTypes { get; } = new(ReferenceEqualityComparer.Instance);
    internal List<Item> MergeStructs { get; } = new();
    public HashSet<Doc> SubdocsAdded { get; } = new();
    public HashSet<Doc> SubdocsRemoved { get; } = new();
    public HashSet<Doc> SubdocsLoaded { get; } = new();
    internal bool NeedFormattingCleanup;

    internal long BeforeStateOf(long client) => BeforeState.TryGetValue(client, out var c) ? c : 0;

    internal void AddChangedType(AbstractType type, string? parentSub)
    {
        var item = type.Item;
        if (item == null || (item.Id.Clock < BeforeStateOf(item.Id.Client) && !item.IsDeleted))
        {
            if (!Changed.TryGetValue(type, out var set))
            {
                set = new HashSet<string?>();
                Changed[type] = set;
            }
            set.Add(parentSub);
        }
    }
}
