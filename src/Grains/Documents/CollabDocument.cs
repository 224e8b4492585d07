using Vibe.Contracts.Documents;
using Vibe.Crdt;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;
using Vibe.Crdt.Types;
using Vibe.Crdt.Updates;
using Vibe.Grains.Documents.Log;

namespace Vibe.Grains.Documents;

/// <summary>What one frame did: replies for the sender, what to persist and broadcast, or why it was refused.</summary>
public readonly record struct FrameOutcome(
    IReadOnlyList<byte[]> Replies,
    byte[]? UpdateToPersist,
    byte[]? UpdateToBroadcast,
    byte[]? AwarenessToBroadcast,
    string? ErrorCode = null,
    string? ErrorMessage = null);

/// <summary>
/// The logic of a collaborative text document with no Orleans in it: a Yjs doc whose text is the root
/// <c>Y.Text</c> "content", the awareness of its connections, and the y-protocols frame handling.
/// Every method mutates synchronously, so a reentrant grain can interleave awaits safely around it.
/// </summary>
public sealed class CollabDocument
{
    public const string ContentName = "content";

    /// <summary>Origin of the server's own edits (REST writes, agents).</summary>
    public static readonly object ServerOrigin = new();

    readonly Dictionary<string, HashSet<long>> _awarenessClients = new(StringComparer.Ordinal);

    /// <summary>Set while this class applies a change: the update the document emitted, merged if it emitted several.</summary>
    byte[]? _captured;
    bool _capturing;

    CollabDocument(Doc doc, TimeProvider time)
    {
        Doc = doc;
        Awareness = new Awareness(doc, time);
        // One standing handler instead of one subscribed per change: a keystroke allocates no delegate for it.
        Doc.Update += (update, _, _) =>
        {
            if (_capturing)
                _captured = _captured is null ? update : Y.MergeUpdates([_captured, update]);
        };
    }

    public Doc Doc { get; }
    public Awareness Awareness { get; }
    public YText Content => Doc.GetText(ContentName);
    public string Text => Content.ToString();

    /// <summary>Rebuilds the document from its snapshot and log; an entry that no longer decodes is skipped, not fatal.</summary>
    public static CollabDocument Load(StoredDocument stored, TimeProvider time, Action<long, Exception>? skipped = null)
    {
        var document = new CollabDocument(new Doc(), time);
        if (stored.Snapshot is { } snapshot)
            Apply(document.Doc, snapshot, stored.SnapshotThroughId, skipped);
        foreach (var entry in stored.Updates)
            Apply(document.Doc, entry.Update, entry.Id, skipped);
        return document;
    }

    static void Apply(Doc doc, byte[] update, long id, Action<long, Exception>? skipped)
    {
        try
        {
            Y.ApplyUpdate(doc, update);
        }
        catch (CrdtFormatException e)
        {
            skipped?.Invoke(id, e);
        }
    }

    public byte[] EncodeState() => Y.EncodeStateAsUpdate(Doc);

    /// <summary>The frames a joining connection receives: our sync step 1 and everyone's awareness.</summary>
    public IReadOnlyList<byte[]> JoinFrames(string connectionId)
    {
        _awarenessClients.TryAdd(connectionId, []);
        var step1 = new Lib0Writer();
        step1.WriteVarUint(WebsocketMessages.MessageSync);
        SyncProtocol.WriteSyncStep1(step1, Doc);
        var frames = new List<byte[]> { step1.ToArray() };
        if (Awareness.States.Count > 0)
            frames.Add(WebsocketMessages.AwarenessFrame(Awareness.EncodeUpdate()));
        return frames;
    }

    /// <summary>Removes the awareness states a connection published; returns the frame telling everyone, if any.</summary>
    public byte[]? Leave(string connectionId)
    {
        if (!_awarenessClients.Remove(connectionId, out var clients) || clients.Count == 0)
            return null;
        var present = clients.Where(Awareness.States.ContainsKey).ToList();
        Awareness.RemoveStates(present, connectionId);
        return present.Count == 0 ? null : WebsocketMessages.AwarenessFrame(Awareness.EncodeUpdate(present));
    }

    public bool HasConnections => _awarenessClients.Count > 0;

    /// <summary>Drops awareness states silent for 30 s (y-protocols' outdated timeout).</summary>
    public byte[]? RemoveOutdated()
    {
        var removed = new List<long>();
        void OnChange(AwarenessChange change, object? _) => removed.AddRange(change.Removed);
        Awareness.Change += OnChange;
        try
        {
            Awareness.CheckOutdated();
        }
        finally
        {
            Awareness.Change -= OnChange;
        }
        return removed.Count == 0 ? null : WebsocketMessages.AwarenessFrame(Awareness.EncodeUpdate(removed));
    }

    public FrameOutcome Receive(string connectionId, byte[] frame, bool canWrite)
    {
        try
        {
            var reader = new Lib0Reader(frame);
            var type = reader.ReadVarUint();
            return type switch
            {
                WebsocketMessages.MessageSync => ReceiveSync(reader, canWrite),
                WebsocketMessages.MessageAwareness => ReceiveAwareness(connectionId, frame, reader),
                WebsocketMessages.MessageQueryAwareness => new FrameOutcome([WebsocketMessages.AwarenessFrame(Awareness.EncodeUpdate())], null, null, null),
                WebsocketMessages.MessageAuth => new FrameOutcome([], null, null, null),
                _ => Refused(Contracts.Errors.VibeErrorCodes.DocumentMalformedFrame, $"Unknown message type {type}."),
            };
        }
        catch (CrdtFormatException e)
        {
            return Refused(Contracts.Errors.VibeErrorCodes.DocumentMalformedFrame, $"The frame is malformed and was not applied: {e.Message}");
        }
        catch (CrdtMissingContentException e)
        {
            return Refused(Contracts.Errors.VibeErrorCodes.DocumentUnknownContent, $"The update was not applied: {e.Message}");
        }
    }

    FrameOutcome ReceiveSync(Lib0Reader reader, bool canWrite)
    {
        var kind = reader.ReadVarUint();
        switch (kind)
        {
            case SyncProtocol.SyncStep1:
            {
                var reply = new Lib0Writer();
                reply.WriteVarUint(WebsocketMessages.MessageSync);
                SyncProtocol.WriteSyncStep2(reply, Doc, reader.ReadVarBytes());
                return new FrameOutcome([reply.ToArray()], null, null, null);
            }
            case SyncProtocol.SyncStep2:
            case SyncProtocol.Update:
            {
                var update = reader.ReadVarBytes();
                // An empty update (no structs, no deletions: [0, 0]) changes nothing; a viewer's handshake reply is one.
                if (update.Length <= 2 && update.All(b => b == 0))
                    return new FrameOutcome([], null, null, null);
                if (!canWrite)
                {
                    return Refused(Contracts.Errors.VibeErrorCodes.DocumentReadOnly, "You can read this document but not edit it.",
                        WebsocketMessages.PermissionDeniedFrame("read-only: your role in this project is viewer"));
                }
                var broadcast = ApplyCapturing(update, origin: null);
                return new FrameOutcome([], update, broadcast, null);
            }
            default:
                return Refused(Contracts.Errors.VibeErrorCodes.DocumentMalformedFrame, $"Unknown sync message type {kind}.");
        }
    }

    FrameOutcome ReceiveAwareness(string connectionId, byte[] frame, Lib0Reader reader)
    {
        var update = reader.ReadVarBytes();
        var touched = new List<long>();
        void OnUpdate(AwarenessChange change, object? _)
        {
            touched.AddRange(change.Added);
            touched.AddRange(change.Updated);
        }
        Awareness.Update += OnUpdate;
        try
        {
            Awareness.ApplyUpdate(update, connectionId);
        }
        finally
        {
            Awareness.Update -= OnUpdate;
        }
        if (!_awarenessClients.TryGetValue(connectionId, out var clients))
            _awarenessClients[connectionId] = clients = [];
        clients.UnionWith(touched);
        return new FrameOutcome([], null, null, frame);
    }

    /// <summary>Replaces the text with the minimal edit (common prefix and suffix kept); returns the update, or null if equal.</summary>
    public byte[]? SetText(string text)
    {
        var edit = TextDiff.Minimal(Text, text);
        return edit is null ? null : ApplyEdits([edit]);
    }

    /// <summary>Applies edits in one transaction under the server's client id; returns the update, or null if nothing changed.</summary>
    public byte[]? ApplyEdits(IReadOnlyList<TextEdit> edits)
    {
        // Validate first on a copy of the text, so a bad edit leaves the document untouched.
        TextDiff.Apply(Text, edits);
        return Capturing(edits, static (document, edits) => document.Doc.Transact(_ => document.EditContent(edits), ServerOrigin));
    }

    void EditContent(IReadOnlyList<TextEdit> edits)
    {
        foreach (var edit in edits)
        {
            if (edit.DeleteCount > 0)
                Content.Delete(edit.Position, edit.DeleteCount);
            if (!string.IsNullOrEmpty(edit.Insert))
                Content.Insert(edit.Position, edit.Insert);
        }
    }

    byte[]? ApplyCapturing(byte[] update, object? origin) =>
        Capturing((update, origin), static (document, change) => Y.ApplyCompleteUpdate(document.Doc, change.update, change.origin));

    /// <summary>Runs <paramref name="change"/> and returns the update the document emitted for it (null: nothing changed).</summary>
    byte[]? Capturing<TState>(TState state, Action<CollabDocument, TState> change)
    {
        _captured = null;
        _capturing = true;
        try
        {
            change(this, state);
            return _captured;
        }
        finally
        {
            _capturing = false;
            _captured = null;
        }
    }

    static FrameOutcome Refused(string code, string message, params byte[][] replies) =>
        new(replies, null, null, null, code, message);
}
