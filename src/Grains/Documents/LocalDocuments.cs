using System.Collections.Concurrent;
using Vibe.Contracts.Documents;
using Vibe.Crdt.Protocols;

namespace Vibe.Grains.Documents;

/// <summary>
/// The document grains active in this process, so that a connection in the same process (the y-websocket endpoint
/// of an embedded node, or of a web node co-hosted with its silo) hands its frames to its document on its own thread
/// instead of through an Orleans message: the message is a hand-off to the activation's scheduler, a thread wake-up
/// in every keystroke's path (about a sixth of the node's CPU and an eighth of its p99, bench/Collab.Bench), and in
/// every cursor move's, since awareness frames are as frequent as edits in an editor. A document hosted by another
/// silo is not here, and its frames go through the grain.
/// </summary>
/// <remarks>
/// The grain stays the owner: it registers once loaded, leaves before it deactivates (and waits for the commits of
/// frames it took this way), and does every frame under one lock with its own turns. Log commits, pushes and
/// acknowledgements keep their order and promise: durable first, then visible, then acknowledged. Frames taken this
/// way are no Orleans messages, but the document is not collected as idle meanwhile: a node with connections to
/// a document listens to it and renews that every few seconds (<see cref="DocumentListening.RenewEvery"/>).
/// </remarks>
public sealed class LocalDocuments
{
    readonly ConcurrentDictionary<string, DocumentGrain> _active = new(StringComparer.Ordinal);
    long _received;

    /// <summary>Frames received directly so far (diagnostics and tests).</summary>
    public long ReceivedDirectly => Interlocked.Read(ref _received);

    /// <summary>Whether the document is active in this process (diagnostics and tests).</summary>
    public bool IsActiveHere(string documentId) => _active.ContainsKey(documentId);

    internal void Add(string documentId, DocumentGrain grain) => _active[documentId] = grain;

    internal void Remove(string documentId, DocumentGrain grain) => _active.TryRemove(KeyValuePair.Create(documentId, grain));

    /// <summary>
    /// Receives an update or an awareness change on the caller's thread when the document is active here (a viewer's
    /// update is refused there as through the grain); false when it is not (or is deactivating), and for a request
    /// answered with state (<see cref="WebsocketMessages.IsStateRequest"/>): encoding a large document's state would
    /// hold up every connection that thread serves, and it comes once per connection, so it goes through the grain.
    /// A connection must not have frames on their way through the grain when it sends one this way, or the later
    /// frame could overtake them.
    /// </summary>
    public bool TryReceive(string documentId, string connectionId, byte[] frame, bool canWrite, out ValueTask<FrameResult> result)
    {
        if (!WebsocketMessages.IsStateRequest(frame) && _active.TryGetValue(documentId, out var grain)
            && grain.TryReceiveDirectly(connectionId, frame, canWrite, out result))
        {
            Interlocked.Increment(ref _received);
            return true;
        }
        result = default;
        return false;
    }
}
