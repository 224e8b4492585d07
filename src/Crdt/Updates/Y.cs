using Vibe.Crdt.Encoding;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt;

/// <summary>yjs's top-level functions: apply and encode updates and state vectors.</summary>
public static class Y
{
    /// <summary>Applies a v1 update. Malformed input throws <see cref="CrdtFormatException"/> and leaves the document untouched.</summary>
    public static void ApplyUpdate(Doc doc, byte[] update, object? origin = null) => Apply(doc, update, origin, v2: false, complete: false);

    /// <summary>
    /// As <see cref="ApplyUpdate"/>, but all or nothing about dependencies: an update any part of which would have to
    /// wait for content this document lacks throws <see cref="CrdtMissingContentException"/> and changes nothing.
    /// For a hub whose peers sync with it first, a valid update never waits, so a waiting part can only be stale
    /// (from another incarnation of the document) or corrupt; parked, it would show in the encoded state but not in
    /// the content.
    /// </summary>
    public static void ApplyCompleteUpdate(Doc doc, byte[] update, object? origin = null) => Apply(doc, update, origin, v2: false, complete: true);

    /// <summary>Applies a v2 update; malformed input throws <see cref="CrdtFormatException"/> and leaves the document untouched.</summary>
    public static void ApplyUpdateV2(Doc doc, byte[] update, object? origin = null) => Apply(doc, update, origin, v2: true, complete: false);

    /// <summary>Decodes and checks the whole update first, so a refused one changes nothing; then applies it in one transaction.</summary>
    private static void Apply(Doc doc, byte[] update, object? origin, bool v2, bool complete)
    {
        var parsed = Parse(update, v2);
        UpdateIntegrator.RequireOrderedOrigins(doc.Store, parsed);
        if (complete) UpdateIntegrator.RequireComplete(doc.Store, parsed);
        doc.Transact(parsed, static (tx, parsed) => UpdateIntegrator.Apply(tx, parsed), origin, false);
    }

    internal static ParsedUpdate Parse(byte[] update, bool v2, bool keepFlat = false)
    {
        try
        {
            var reader = new Lib0Reader(update);
            IUpdateDecoder decoder = v2 ? new UpdateDecoderV2(reader) : new UpdateDecoderV1(reader);
            return ParsedUpdate.Read(decoder, keepFlat);
        }
        catch (CrdtFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            throw new CrdtFormatException("Malformed update: " + e.Message, e);
        }
    }

    /// <summary>Everything the document has that the given state vector lacks (all of it when null), including pending content.</summary>
    public static byte[] EncodeStateAsUpdate(Doc doc, byte[]? encodedStateVector = null) => EncodeStateAsUpdate(doc, encodedStateVector, v2: false);

    /// <summary>As <see cref="EncodeStateAsUpdate(Doc, byte[])"/> in update format v2.</summary>
    public static byte[] EncodeStateAsUpdateV2(Doc doc, byte[]? encodedStateVector = null) => EncodeStateAsUpdate(doc, encodedStateVector, v2: true);

    private static IUpdateEncoder NewEncoder(bool v2) => v2 ? new UpdateEncoderV2() : new UpdateEncoderV1();

    private static byte[] EncodeStateAsUpdate(Doc doc, byte[]? encodedStateVector, bool v2)
    {
        var target = encodedStateVector == null ? new Dictionary<long, long>() : DecodeStateVector(encodedStateVector);
        var encoder = NewEncoder(v2);
        UpdateWriter.WriteStateAsUpdate(encoder, doc, target);
        var main = encoder.ToArray();
        var store = doc.Store;
        if (store.PendingDeletes == null && store.PendingStructs == null) return main;
        var updates = new List<byte[]> { main };
        if (store.PendingDeletes != null)
        {
            var ds = NewEncoder(v2);
            ds.Rest.WriteVarUint(0UL);
            store.PendingDeletes.Write(ds);
            updates.Add(ds.ToArray());
        }
        if (store.PendingStructs != null)
        {
            var pending = NewEncoder(v2);
            var pendingStore = new StructStore();
            foreach (var (client, list) in store.PendingStructs.Structs)
            {
                var withGaps = new List<Structs.AbstractStruct>();
                foreach (var s in list)
                {
                    if (withGaps.Count > 0)
                    {
                        var last = withGaps[^1];
                        var end = last.Id.Clock + last.Length;
                        if (s.Id.Clock > end) withGaps.Add(new Structs.SkipStruct(new Id(client, end), s.Id.Clock - end));
                        else if (s.Id.Clock < end) continue;
                    }
                    withGaps.Add(s);
                }
                pendingStore.Clients[client] = withGaps;
            }
            UpdateWriter.WriteClientsStructs(pending, pendingStore, new Dictionary<long, long>());
            pending.Rest.WriteVarUint(0UL);
            var sv = encodedStateVector ?? new byte[] { 0 };
            updates.Add(v2 ? DiffUpdateV2(pending.ToArray(), sv) : DiffUpdate(pending.ToArray(), sv));
        }
        return v2 ? MergeUpdatesV2(updates) : MergeUpdates(updates);
    }

    /// <summary>Merges v1 updates into one, as yjs mergeUpdates does (no document needed).</summary>
    public static byte[] MergeUpdates(IReadOnlyList<byte[]> updates) =>
        UpdateMerger.Merge(updates, u => Parse(u, v2: false, keepFlat: true), () => new UpdateEncoderV1());

    /// <summary>The part of a v1 update that a peer with the given state vector is missing.</summary>
    public static byte[] DiffUpdate(byte[] update, byte[] encodedStateVector) =>
        UpdateMerger.Diff(Parse(update, v2: false, keepFlat: true), DecodeStateVector(encodedStateVector), new UpdateEncoderV1());

    public static byte[] MergeUpdatesV2(IReadOnlyList<byte[]> updates) =>
        UpdateMerger.Merge(updates, u => Parse(u, v2: true, keepFlat: true), () => new UpdateEncoderV2());

    public static byte[] DiffUpdateV2(byte[] update, byte[] encodedStateVector) =>
        UpdateMerger.Diff(ParseForV2Output(update, v2: true), DecodeStateVector(encodedStateVector), new UpdateEncoderV2());

    public static byte[] EncodeStateVectorFromUpdateV2(byte[] update) => UpdateMerger.EncodeStateVectorOf(Parse(update, v2: true, keepFlat: true));

    public static byte[] ConvertUpdateFormatV1ToV2(byte[] update) => UpdateMerger.Convert(ParseForV2Output(update, v2: false), new UpdateEncoderV2());

    /// <summary>Parses an update whose delete set is copied as is into v2 output, so ranges v2 cannot hold are rejected before writing.</summary>
    private static ParsedUpdate ParseForV2Output(byte[] update, bool v2)
    {
        var parsed = Parse(update, v2, keepFlat: true);
        parsed.DeleteSet.RequireEncodableInV2();
        return parsed;
    }

    public static byte[] ConvertUpdateFormatV2ToV1(byte[] update) => UpdateMerger.Convert(Parse(update, v2: true, keepFlat: true), new UpdateEncoderV1());

    /// <summary>State vector of an encoded v1 update.</summary>
    public static byte[] EncodeStateVectorFromUpdate(byte[] update) => UpdateMerger.EncodeStateVectorOf(Parse(update, v2: false, keepFlat: true));

    public static byte[] EncodeStateVector(Doc doc)
    {
        var w = new Lib0Writer(32);
        UpdateWriter.WriteStateVector(w, doc.Store.GetStateVector());
        return w.ToArray();
    }

    public static Dictionary<long, long> DecodeStateVector(byte[] encoded)
    {
        try
        {
            return UpdateWriter.ReadStateVector(new Lib0Reader(encoded));
        }
        catch (ArgumentException e)
        {
            throw new CrdtFormatException("Malformed state vector", e);
        }
    }

    public static Dictionary<long, long> GetStateVector(Doc doc) => doc.Store.GetStateVector();
}
