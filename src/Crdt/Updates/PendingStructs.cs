using Vibe.Crdt.Structs;

namespace Vibe.Crdt;

/// <summary>Structs waiting for content they depend on, and the lowest clock missing per client.</summary>
internal sealed class PendingStructs
{
    public Dictionary<long, long> Missing { get; } = new();
    public Dictionary<long, List<AbstractStruct>> Structs { get; } = new();

    /// <summary>Adds structs of another pending set; per client they stay sorted and fully covered duplicates are dropped.</summary>
    public void MergeFrom(PendingStructs other)
    {
        foreach (var (client, clock) in other.Missing)
        {
            if (!Missing.TryGetValue(client, out var m) || m > clock) Missing[client] = clock;
        }
        foreach (var (client, list) in other.Structs)
        {
            if (!Structs.TryGetValue(client, out var mine))
            {
                Structs[client] = list;
                continue;
            }
            var all = new List<AbstractStruct>(mine.Count + list.Count);
            all.AddRange(mine);
            all.AddRange(list);
            all.Sort(static (a, b) => a.Id.Clock != b.Id.Clock ? a.Id.Clock.CompareTo(b.Id.Clock) : b.Length.CompareTo(a.Length));
            var merged = new List<AbstractStruct>(all.Count);
            long end = -1;
            foreach (var s in all)
            {
                if (s.Id.Clock + s.Length <= end) continue;
                merged.Add(s);
                end = s.Id.Clock + s.Length;
            }
            Structs[client] = merged;
        }
    }
}
