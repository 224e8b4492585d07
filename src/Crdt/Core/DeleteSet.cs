using Vibe.Crdt.Encoding;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt;

/// <summary>A deleted clock range of one client.</summary>
public struct DeleteRange
{
    public long Clock;
    public long Length;

    public DeleteRange(long clock, long length)
    {
        Clock = clock;
        Length = length;
    }
}

/// <summary>Ranges of deleted content per client; kept sorted and merged after <see cref="SortAndMerge"/>.</summary>
public sealed class DeleteSet
{
    public Dictionary<long, List<DeleteRange>> Clients { get; } = new();

    public bool IsEmpty => Clients.Count == 0;

    public void Add(long client, long clock, long length)
    {
        if (!Clients.TryGetValue(client, out var list))
        {
            list = new List<DeleteRange>(2);
            Clients[client] = list;
        }
        list.Add(new DeleteRange(clock, length));
    }

    public void SortAndMerge()
    {
        foreach (var list in Clients.Values)
        {
            if (list.Count > 1) list.Sort(static (a, b) => a.Clock.CompareTo(b.Clock));
            var j = 1;
            for (var i = 1; i < list.Count; i++)
            {
                var left = list[j - 1];
                var right = list[i];
                if (left.Clock + left.Length >= right.Clock)
                {
                    left.Length = Math.Max(left.Length, right.Clock + right.Length - left.Clock);
                    list[j - 1] = left;
                }
                else
                {
                    if (j < i) list[j] = right;
                    j++;
                }
            }
            if (j < list.Count) list.RemoveRange(j, list.Count - j);
        }
    }

    /// <summary>Union of several delete sets, sorted and merged (yjs mergeDeleteSets).</summary>
    public static DeleteSet Merge(IEnumerable<DeleteSet> sets)
    {
        var merged = new DeleteSet();
        foreach (var ds in sets)
        {
            foreach (var (client, ranges) in ds.Clients)
            {
                if (!merged.Clients.TryGetValue(client, out var list))
                {
                    list = new List<DeleteRange>(ranges.Count);
                    merged.Clients[client] = list;
                }
                list.AddRange(ranges);
            }
        }
        merged.SortAndMerge();
        return merged;
    }

    public bool IsDeleted(Id id)
    {
        if (!Clients.TryGetValue(id.Client, out var list)) return false;
        var lo = 0;
        var hi = list.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var r = list[mid];
            if (r.Clock <= id.Clock)
            {
                if (id.Clock < r.Clock + r.Length) return true;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return false;
    }

    /// <summary>Collects every deleted range in the store (consecutive deleted structs merged).</summary>
    public static DeleteSet FromStore(StructStore store)
    {
        var ds = new DeleteSet();
        foreach (var (client, structs) in store.Clients)
        {
            List<DeleteRange>? ranges = null;
            for (var i = 0; i < structs.Count; i++)
            {
                var s = structs[i];
                if (!s.Deleted) continue;
                var clock = s.Id.Clock;
                var len = s.Length;
                while (i + 1 < structs.Count && structs[i + 1].Deleted)
                {
                    len += structs[i + 1].Length;
                    i++;
                }
                ranges ??= new List<DeleteRange>();
                ranges.Add(new DeleteRange(clock, len));
            }
            if (ranges != null) ds.Clients[client] = ranges;
        }
        return ds;
    }

    /// <summary>Rejects ranges update v2 cannot encode (empty, overlapping or out of order) with <see cref="CrdtFormatException"/>.</summary>
    internal void RequireEncodableInV2()
    {
        foreach (var ranges in Clients.Values)
        {
            // v2 stores each range as the distance from the previous range's end and its length minus one.
            long end = 0;
            foreach (var r in ranges)
            {
                if (r.Length <= 0) throw new CrdtFormatException("Delete range with zero length");
                if (r.Clock < end) throw new CrdtFormatException("Delete ranges overlap or are out of order");
                end = r.Clock + r.Length;
            }
        }
    }

    /// <summary>Writes a delete set with no clients (what an insert-only change carries).</summary>
    public static void WriteEmpty(IUpdateEncoder encoder) => encoder.Rest.WriteVarUint(0);

    /// <summary>Writes clients in descending id order, as yjs does for deterministic bytes.</summary>
    public void Write(IUpdateEncoder encoder)
    {
        var rest = encoder.Rest;
        rest.WriteVarUint((ulong)Clients.Count);
        if (Clients.Count == 0) return;
        var clients = new long[Clients.Count];
        Clients.Keys.CopyTo(clients, 0);
        Array.Sort(clients, static (a, b) => b.CompareTo(a));
        foreach (var client in clients)
        {
            var ranges = Clients[client];
            encoder.ResetDsCurVal();
            rest.WriteVarUint(client);
            rest.WriteVarUint((ulong)ranges.Count);
            foreach (var r in ranges)
            {
                encoder.WriteDsClock(r.Clock);
                encoder.WriteDsLen(r.Length);
            }
        }
    }

    public static DeleteSet Read(IUpdateDecoder decoder)
    {
        var ds = new DeleteSet();
        var rest = decoder.Rest;
        var numClients = rest.ReadBoundedCount(2);
        for (var i = 0; i < numClients; i++)
        {
            decoder.ResetDsCurVal();
            var client = rest.ReadVarUint();
            var count = rest.ReadBoundedCount(decoder.MinDsRangeBytes);
            if (count == 0) continue;
            if (!ds.Clients.TryGetValue(client, out var list))
            {
                list = new List<DeleteRange>(count);
                ds.Clients[client] = list;
            }
            for (var j = 0; j < count; j++)
            {
                var clock = decoder.ReadDsClock();
                var len = decoder.ReadDsLen();
                if (clock + len > Lib0Reader.MaxSafeInteger) throw new CrdtFormatException("Delete range out of range");
                list.Add(new DeleteRange(clock, len));
            }
        }
        return ds;
    }
}
