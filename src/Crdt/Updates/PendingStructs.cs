using Vibe.Crdt.Structs;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt;

/// <summary>Structs waiting for content they depend on, and the lowest clock missing per client.</summary>
internal sealed class PendingStructs
{
    public Dictionary<long, long> Missing { get; } = new();
    public Dictionary<long, List<AbstractStruct>> Structs { get; } = new();

    /// <summary>Adds structs of another pending set the way yjs merges its pending update with mergeUpdates.</summary>
    public void MergeFrom(PendingStructs other)
    {
        foreach (var (client, clock) in other.Missing)
        {
            if (!Missing.TryGetValue(client, out var m) || m > clock) Missing[client] = clock;
        }
        // Merging the encoded sets keeps real structs over the overlapping parts of Skips and leaves exactly the structs yjs keeps.
        var merged = Y.Parse(Y.MergeUpdatesV2(new[] { EncodeV2(), other.EncodeV2() }), v2: true);
        Structs.Clear();
        foreach (var (client, list) in merged.Structs) Structs[client] = list;
    }

    /// <summary>The pending structs as a v2 update without deletions, as yjs stores them.</summary>
    private byte[] EncodeV2()
    {
        var store = new StructStore();
        foreach (var (client, list) in Structs)
        {
            if (list.Count > 0) store.Clients[client] = list;
        }
        var encoder = new UpdateEncoderV2();
        UpdateWriter.WriteClientsStructs(encoder, store, new Dictionary<long, long>());
        encoder.Rest.WriteVarUint(0UL);
        return encoder.ToArray();
    }
}
