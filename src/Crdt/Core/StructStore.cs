using Vibe.Crdt.Structs;

namespace Vibe.Crdt;

/// <summary>All structs of a document, per client, sorted by clock and without gaps.</summary>
public sealed class StructStore
{
    public Dictionary<long, List<AbstractStruct>> Clients { get; } = new();

    /// <summary>Structs that could not be integrated yet because something they depend on is missing.</summary>
    internal PendingStructs? PendingStructs;

    /// <summary>Deletions that refer to content not received yet.</summary>
    internal DeleteSet? PendingDeletes;

    public long GetState(long client)
    {
        if (!Clients.TryGetValue(client, out var structs) || structs.Count == 0) return 0;
        var last = structs[^1];
        return last.Id.Clock + last.Length;
    }

    public Dictionary<long, long> GetStateVector()
    {
        var sv = new Dictionary<long, long>(Clients.Count);
        foreach (var (client, structs) in Clients)
        {
            if (structs.Count == 0) continue;
            var last = structs[^1];
            sv[client] = last.Id.Clock + last.Length;
        }
        return sv;
    }

    internal void AddStruct(AbstractStruct s)
    {
        if (!Clients.TryGetValue(s.Id.Client, out var structs))
        {
            structs = new List<AbstractStruct>();
            Clients[s.Id.Client] = structs;
        }
        else
        {
            var last = structs[^1];
            if (last.Id.Clock + last.Length != s.Id.Clock) throw new InvalidOperationException("Struct clock out of order");
        }
        structs.Add(s);
    }

    /// <summary>Binary search with an interpolation guess, like yjs; the clock must exist.</summary>
    public static int FindIndex(List<AbstractStruct> structs, long clock)
    {
        var left = 0;
        var right = structs.Count - 1;
        var mid = structs[right];
        var midClock = mid.Id.Clock;
        if (midClock == clock) return right;
        var denominator = midClock + mid.Length - 1;
        var midIndex = denominator <= 0 ? 0 : (int)Math.Min(right, (long)((double)clock / denominator * right));
        if (midIndex < 0) midIndex = 0;
        while (left <= right)
        {
            mid = structs[midIndex];
            midClock = mid.Id.Clock;
            if (midClock <= clock)
            {
                if (clock < midClock + mid.Length) return midIndex;
                left = midIndex + 1;
            }
            else right = midIndex - 1;
            midIndex = (left + right) >> 1;
        }
        throw new InvalidOperationException($"Clock {clock} not found in struct store");
    }

    public AbstractStruct Find(Id id)
    {
        var structs = Clients[id.Client];
        return structs[FindIndex(structs, id.Clock)];
    }

    internal Item GetItemCleanStart(Transaction tx, Id id)
    {
        var structs = Clients[id.Client];
        return (Item)structs[FindIndexCleanStart(tx, structs, id.Clock)];
    }

    internal int FindIndexCleanStart(Transaction tx, List<AbstractStruct> structs, long clock)
    {
        var index = FindIndex(structs, clock);
        var s = structs[index];
        if (s.Id.Clock < clock && s is Item item)
        {
            structs.Insert(index + 1, item.Split(tx, clock - item.Id.Clock));
            return index + 1;
        }
        return index;
    }

    /// <summary>Returns the struct ending at id, splitting an item so that it does.</summary>
    internal AbstractStruct GetItemCleanEnd(Transaction tx, Id id)
    {
        var structs = Clients[id.Client];
        var index = FindIndex(structs, id.Clock);
        var s = structs[index];
        if (id.Clock != s.Id.Clock + s.Length - 1 && s is Item item)
        {
            structs.Insert(index + 1, item.Split(tx, id.Clock - item.Id.Clock + 1));
        }
        return s;
    }

    internal void ReplaceStruct(AbstractStruct oldStruct, AbstractStruct newStruct)
    {
        var structs = Clients[oldStruct.Id.Client];
        structs[FindIndex(structs, oldStruct.Id.Clock)] = newStruct;
    }
}
