using Vibe.Crdt.Encoding;
using Vibe.Crdt.Structs;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt;

/// <summary>A document state at one moment: what existed (state vector) and what was deleted (delete set).</summary>
public sealed class Snapshot
{
    public Snapshot(DeleteSet deleteSet, Dictionary<long, long> stateVector)
    {
        DeleteSet = deleteSet;
        StateVector = stateVector;
    }

    public DeleteSet DeleteSet { get; }
    public Dictionary<long, long> StateVector { get; }

    /// <summary>Snapshot of the current state. Meaningful history needs a document with Gc = false.</summary>
    public static Snapshot Of(Doc doc) => new(DeleteSet.FromStore(doc.Store), doc.Store.GetStateVector());

    public byte[] Encode() => Encode(new UpdateEncoderV1());

    public byte[] EncodeV2() => Encode(new UpdateEncoderV2());

    private byte[] Encode(IUpdateEncoder encoder)
    {
        DeleteSet.Write(encoder);
        UpdateWriter.WriteStateVector(encoder.Rest, StateVector);
        return encoder.Rest.ToArray();
    }

    public static Snapshot Decode(byte[] bytes)
    {
        IUpdateDecoder decoder = new UpdateDecoderV1(new Lib0Reader(bytes));
        var ds = DeleteSet.Read(decoder);
        return new Snapshot(ds, UpdateWriter.ReadStateVector(decoder.Rest));
    }

    /// <summary>Whether an item existed and was not deleted at this snapshot.</summary>
    public bool IsVisible(Item item) =>
        StateVector.TryGetValue(item.Id.Client, out var clock) && clock > item.Id.Clock && !DeleteSet.IsDeleted(item.Id);

    public bool Equals(Snapshot other)
    {
        if (StateVector.Count != other.StateVector.Count) return false;
        foreach (var (c, v) in StateVector) if (!other.StateVector.TryGetValue(c, out var w) || w != v) return false;
        var a = DeleteSet.Clients;
        var b = other.DeleteSet.Clients;
        if (a.Count != b.Count) return false;
        foreach (var (c, ranges) in a)
        {
            if (!b.TryGetValue(c, out var r2) || r2.Count != ranges.Count) return false;
            for (var i = 0; i < ranges.Count; i++) if (ranges[i].Clock != r2[i].Clock || ranges[i].Length != r2[i].Length) return false;
        }
        return true;
    }

    /// <summary>Splits items at the snapshot's boundaries so visibility is decided per whole item.</summary>
    internal void SplitAffectedStructs(Transaction tx)
    {
        var store = tx.Doc.Store;
        foreach (var (client, clock) in StateVector)
        {
            if (clock < store.GetState(client)) store.FindIndexCleanStart(tx, store.Clients[client], clock);
        }
        foreach (var (client, ranges) in DeleteSet.Clients)
        {
            if (!store.Clients.TryGetValue(client, out var structs)) continue;
            foreach (var r in ranges)
            {
                var end = Math.Min(r.Clock + r.Length, store.GetState(client));
                if (r.Clock < end) StructIteration.Iterate(tx, structs, r.Clock, end - r.Clock, _ => { });
            }
        }
    }
}
