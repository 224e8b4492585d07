using Vibe.Crdt.Encoding;

namespace Vibe.Crdt.Protocols;

/// <summary>
/// y-websocket message framing over one document: 0 sync, 1 awareness, 2 auth, 3 query awareness.
/// A server feeds each incoming frame to <see cref="Handle"/> and sends back the reply if there is one.
/// </summary>
public sealed class WebsocketMessages
{
    public const int MessageSync = 0;
    public const int MessageAwareness = 1;
    public const int MessageAuth = 2;
    public const int MessageQueryAwareness = 3;

    public WebsocketMessages(Doc doc, Awareness awareness)
    {
        Doc = doc;
        Awareness = awareness;
    }

    public Doc Doc { get; }
    public Awareness Awareness { get; }

    /// <summary>Handles one frame from a peer; returns the reply frame or null. Malformed frames throw <see cref="CrdtFormatException"/>.</summary>
    public byte[]? Handle(byte[] message, object? origin)
    {
        var reader = new Lib0Reader(message);
        var type = reader.ReadVarUint();
        switch (type)
        {
            case MessageSync:
            {
                var reply = new Lib0Writer();
                reply.WriteVarUint((ulong)MessageSync);
                SyncProtocol.ReadSyncMessage(reader, reply, Doc, origin);
                return reply.Length > 1 ? reply.ToArray() : null;
            }
            case MessageAwareness:
                Awareness.ApplyUpdate(reader.ReadVarBytes(), origin);
                return null;
            case MessageAuth:
                // Servers decide permissions themselves; a client never sends auth frames that need a reply.
                return null;
            case MessageQueryAwareness:
                return AwarenessFrame(Awareness.EncodeUpdate());
            default:
                throw new CrdtFormatException($"Unknown message type {type}");
        }
    }

    /// <summary>Frame a server sends first on connect: sync step 1 with its state vector.</summary>
    public byte[] SyncStep1Frame()
    {
        var w = new Lib0Writer();
        w.WriteVarUint((ulong)MessageSync);
        SyncProtocol.WriteSyncStep1(w, Doc);
        return w.ToArray();
    }

    /// <summary>Frame that broadcasts a document update (sync message type 2).</summary>
    public static byte[] UpdateFrame(byte[] update)
    {
        // Two type bytes and the length's varint (at most 5 bytes for a frame of up to 4 GiB): one buffer, once.
        var w = new Lib0Writer(update.Length + 8);
        w.WriteVarUint((ulong)MessageSync);
        SyncProtocol.WriteUpdate(w, update);
        return w.ToArray();
    }

    /// <summary>
    /// A frame that carries changes and expects no answer: a sync step 2 or an update. (Both message types are
    /// single-byte varints, so the first two bytes tell.)
    /// </summary>
    public static bool IsChangeFrame(ReadOnlySpan<byte> frame) =>
        frame.Length >= 2 && frame[0] == MessageSync && frame[1] is SyncProtocol.SyncStep2 or SyncProtocol.Update;

    /// <summary>
    /// A frame answered with state: sync step 1 (the update the sender is missing) or an awareness query (everyone's
    /// awareness). Once per connection, typically, and as large as the document.
    /// </summary>
    public static bool IsStateRequest(ReadOnlySpan<byte> frame) =>
        frame.Length >= 1 && (frame[0] == MessageQueryAwareness || (frame.Length >= 2 && frame[0] == MessageSync && frame[1] == SyncProtocol.SyncStep1));

    public static byte[] AwarenessFrame(byte[] awarenessUpdate)
    {
        var w = new Lib0Writer();
        w.WriteVarUint((ulong)MessageAwareness);
        w.WriteVarBytes(awarenessUpdate);
        return w.ToArray();
    }

    public static byte[] QueryAwarenessFrame() => new byte[] { MessageQueryAwareness };

    /// <summary>Auth frame telling the client permission was denied (y-protocols auth, type 0).</summary>
    public static byte[] PermissionDeniedFrame(string reason)
    {
        var w = new Lib0Writer();
        w.WriteVarUint((ulong)MessageAuth);
        w.WriteVarUint(0UL);
        w.WriteVarString(reason);
        return w.ToArray();
    }
}
