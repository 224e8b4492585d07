using Vibe.Crdt.Encoding;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt;

/// <summary>yjs's top-level functions: apply and encode updates and state vectors.</summary>
public static class Y
{
    /// <summary>Applies a v1 update. Malformed input throws <see cref="CrdtFormatException"/> and leaves the document untouched.</summary>
    public static void ApplyUpdate(Doc doc, byte[] update, object? origin = null)
    {
        var parsed = Parse(update, v2: false);
        doc.Transact(tx => UpdateIntegrator.Apply(tx, parsed), origin, false);
    }

    /// <summary>Applies a v2 update (not supported yet: always rejected with <see cref="CrdtFormatException"/>).</summary>
    public static void ApplyUpdateV2(Doc doc, byte[] update, object? origin = null)
    {
        var parsed = Parse(update, v2: true);
        doc.Transact(tx => UpdateIntegrator.Apply(tx, parsed), origin, false);
    }

    internal static ParsedUpdate Parse(byte[] update, bool v2)
    {
        try
        {
            var reader = new Lib0Reader(update);
            if (v2) throw new CrdtFormatException("Update format v2 is not supported yet");
            IUpdateDecoder decoder = new UpdateDecoderV1(reader);
            return ParsedUpdate.Read(decoder);
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

    public static byte[] EncodeStateAsUpdate(Doc doc, byte[]? encodedStateVector = null)
    {
        var target = encodedStateVector == null ? new Dictionary<long, long>() : DecodeStateVector(encodedStateVector);
        var encoder = new UpdateEncoderV1();
        UpdateWriter.WriteStateAsUpdate(encoder, doc, target);
        return encoder.ToArray();
    }

    public static byte[] EncodeStateVector(Doc doc)
    {
        var w = new Lib0Writer(32);
        UpdateWriter.WriteStateVector(w, doc.Store.GetStateVector());
        return w.ToArray();
    }

    public static Dictionary<long, long> DecodeStateVector(byte[] encoded)
    {
        var r = new Lib0Reader(encoded);
        return UpdateWriter.ReadStateVector(r);
    }

    public static Dictionary<long, long> GetStateVector(Doc doc) => doc.Store.GetStateVector();
}
