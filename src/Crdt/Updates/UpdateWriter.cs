using Vibe.Crdt.Encoding;
using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Updates;

/// <summary>Writes document state as updates, with clients and structs in yjs's order so the bytes match.</summary>
internal static class UpdateWriter
{
    public static void WriteClientsStructs(IUpdateEncoder encoder, StructStore store, IReadOnlyDictionary<long, long> targetState)
    {
        var sm = new List<KeyValuePair<long, long>>();
        foreach (var (client, clock) in targetState)
        {
            if (store.GetState(client) > clock) sm.Add(new(client, clock));
        }
        foreach (var (client, structs) in store.Clients)
        {
            if (structs.Count > 0 && !targetState.ContainsKey(client)) sm.Add(new(client, 0));
        }
        encoder.Rest.WriteVarUint((ulong)sm.Count);
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

    public static void WriteStateAsUpdate(IUpdateEncoder encoder, Doc doc, IReadOnlyDictionary<long, long> targetState)
    {
        WriteClientsStructs(encoder, doc.Store, targetState);
        DeleteSet.FromStore(doc.Store).Write(encoder);
    }

    /// <summary>The v1 update a transaction produced, or null when it changed nothing.</summary>
    public static byte[]? EncodeTransaction(Transaction tx)
    {
        var changed = tx.DeleteSet.Clients.Count > 0;
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
        var encoder = new UpdateEncoderV1();
        tx.DeleteSet.SortAndMerge();
        WriteClientsStructs(encoder, tx.Doc.Store, tx.BeforeState);
        tx.DeleteSet.Write(encoder);
        return encoder.ToArray();
    }

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
