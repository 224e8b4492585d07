using System.Collections.Concurrent;
using Vibe.Contracts.Documents;

namespace Vibe.Grains.Documents;

/// <summary>
/// The document listeners that live in this process (the web node's fan-out when it shares the process with the
/// silo, as in the embedded default), so a document grain hands them a committed frame with a direct call
/// instead of an Orleans message to an observer next door. The message cost a copy of the frame, a hop through
/// the client's message pump and two thread wake-ups per keystroke (bench/Collab.Bench). Listeners in other
/// processes are still reached through their observer reference.
/// </summary>
/// <remarks>
/// A local listener is called inside the grain's turn: it must return quickly and must not capture the grain's
/// scheduler (every await in it uses <c>ConfigureAwait(false)</c>).
/// </remarks>
public sealed class LocalDocumentListeners
{
    readonly ConcurrentDictionary<GrainId, IDocumentListener> _listeners = new();

    /// <summary>Makes <paramref name="target"/> the in-process receiver of what is sent to <paramref name="reference"/>.</summary>
    public void Add(IDocumentListener reference, IDocumentListener target) => _listeners[reference.GetGrainId()] = target;

    public void Remove(IDocumentListener reference) => _listeners.TryRemove(reference.GetGrainId(), out _);

    /// <summary>The local object behind <paramref name="listener"/>, or the reference itself when it lives elsewhere.</summary>
    public IDocumentListener Resolve(IDocumentListener listener) =>
        _listeners.IsEmpty || !_listeners.TryGetValue(listener.GetGrainId(), out var local) ? listener : local;
}
