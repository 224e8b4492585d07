using Vibe.Crdt.Encoding;

namespace Vibe.Crdt.Protocols;

/// <summary>y-protocols sync messages: step 1 (state vector), step 2 (missing updates), update.</summary>
public static class SyncProtocol
{
    public const int SyncStep1 = 0;
    public const int SyncStep2 = 1;
    public const int Update = 2;

    public static void WriteSyncStep1(Lib0Writer writer, Doc doc)
    {
        writer.WriteVarUint((ulong)SyncStep1);
        writer.WriteVarBytes(Y.EncodeStateVector(doc));
    }

    public static void WriteSyncStep2(Lib0Writer writer, Doc doc, byte[]? encodedStateVector)
    {
        writer.WriteVarUint((ulong)SyncStep2);
        writer.WriteVarBytes(Y.EncodeStateAsUpdate(doc, encodedStateVector));
    }

    public static void WriteUpdate(Lib0Writer writer, byte[] update)
    {
        writer.WriteVarUint((ulong)Update);
        writer.WriteVarBytes(update);
    }

    /// <summary>
    /// Reads one sync message; step 1 writes the step 2 reply into <paramref name="reply"/>, step 2 and update are
    /// applied with <paramref name="origin"/>. Returns the message type. Malformed input throws <see cref="CrdtFormatException"/>.
    /// </summary>
    public static int ReadSyncMessage(Lib0Reader reader, Lib0Writer reply, Doc doc, object? origin)
    {
        var type = reader.ReadVarUint();
        switch (type)
        {
            case SyncStep1:
                WriteSyncStep2(reply, doc, reader.ReadVarBytes());
                break;
            case SyncStep2:
            case Update:
                Y.ApplyUpdate(doc, reader.ReadVarBytes(), origin);
                break;
            default:
                throw new CrdtFormatException($"Unknown sync message type {type}");
        }
        return (int)type;
    }

    public static byte[] EncodeSyncStep1(Doc doc)
    {
        var w = new Lib0Writer();
        WriteSyncStep1(w, doc);
        return w.ToArray();
    }
}
