using Vibe.Crdt.Encoding;
using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Updates;

/// <summary>Writes document state as updates, with clients and structs in yjs's order so the bytes match.</summary>
internal static class UpdateWriter
{
    /// <summary>Takes the dictionary itself, not an interface: enumerating that would box an enumerator per transaction.</summary>
    public static void WriteClientsStructs(IUpdateEncoder encoder, StructStore store, Dictionary<long, long> targetState)
    {
        // Each client at most once from either source; a transaction's update names one or two, so no heap list for them.
        var bound = targetState.Count + store.Clients.Count;
        var sm = bound <= 32 ? stackalloc KeyValuePair<long, long>[bound] : new KeyValuePair<long, long>[bound];
        var count = 0;
        foreach (var (client, clock) in targetState)
        {
            if (store.GetState(client) > clock) sm[count++] = new(client, clock);
        }
        foreach (var (client, structs) in store.Clients)
        {
            if (structs.Count > 0 && !targetState.ContainsKey(client)) sm[count++] = new(client, 0);
        }
        sm = sm[..count];
        encoder.Rest.WriteVarUint((ulong)count);
        sm.Sort(static (a, b) => b.Key.CompareTo(a.Key));
        foreach (var (client, clock) in sm) WriteStructs(encoder, store.Clients[client], client, clock);
    }

    private static void WriteStructs(IUpdateEncoder encoder, List<AbstractStruct> structs, long client, long clock)
    {
        clock = Math.Max(clock, structs[0].Id.Clock);
        var start = StructStore.FindIndex(structs, clock);
        encoder.Rest.WriteVarUint((ulong)(structs.Count - start));
        encoder.WriteClient(client);
        encoder.Rest.WriteVarUint(clock);
        var first = structs[start];
        first.Write(encoder, clock - first.Id.Clock);
        for (var i = start + 1; i < structs.Count; i++) structs[i].Write(encoder, 0);
    }

    public static void WriteStateAsUpdate(IUpdateEncoder encoder, Doc doc, Dictionary<long, long> targetState)
    {
        WriteClientsStructs(encoder, doc.Store, targetState);
        DeleteSet.FromStore(doc.Store).Write(encoder);
    }

    [ThreadStatic]
    private static Lib0Writer? t_transactionWriter;

    /// <summary>The v1 update a transaction produced, or null when it changed nothing.</summary>
    public static byte[]? EncodeTransaction(Transaction tx)
    {
        var changed = tx.HasDeletes;
        if (!changed)
        {
            foreach (var (client, clock) in tx.AfterState)
            {
                if (tx.BeforeStateOf(client) != clock || !tx.BeforeState.ContainsKey(client))
                {
                    changed = true;
                    break;
                }
            }
        }
        if (!changed) return null;
        // The encoding is copied out by ToArray, so one buffer per thread serves every transaction (no user code runs
        // while it is written).
        var writer = t_transactionWriter ??= new Lib0Writer();
        writer.Clear();
        var encoder = new UpdateEncoderV1(writer);
        WriteClientsStructs(encoder, tx.Doc.Store, tx.BeforeState);
        if (tx.HasDeletes)
        {
            tx.DeleteSet.SortAndMerge();
            tx.DeleteSet.Write(encoder);
        }
        else
        {
            DeleteSet.WriteEmpty(encoder);
        }
        var bytes = encoder.ToArray();
        // A large transaction (a whole file replaced) leaves its buffer to the collector, not to the thread.
        if (writer.Capacity > MaxKeptWriterBytes) t_transactionWriter = null;
        return bytes;
    }

    private const int MaxKeptWriterBytes = 64 * 1024;

    public static void WriteStateVector(Lib0Writer writer, IReadOnlyDictionary<long, long> sv)
    {
        writer.WriteVarUint((ulong)sv.Count);
        foreach (var (client, clock) in sv.OrderByDescending(kv => kv.Key))
        {
            writer.WriteVarUint(client);
            writer.WriteVarUint(clock);
        }
    }

    public static Dictionary<long, long> ReadStateVector(Lib0Reader reader)
    {
        var count = reader.ReadBoundedCount(2);
        var sv = new Dictionary<long, long>(count);
        for (var i = 0; i < count; i++)
        {
            var client = reader.ReadVarUint();
            sv[client] = reader.ReadVarUint();
        }
        return sv;
    }
}
