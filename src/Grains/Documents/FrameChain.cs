using Vibe.Contracts.Documents;

namespace Vibe.Grains.Documents;

/// <summary>
/// Puts a listener's pushed update frames of one document back into the order the document sent them.
/// Pushes are one-way messages: one can overtake another, and one can be lost with a silo. A frame is
/// applied once everything up to its <see cref="DocumentFrame.Previous"/> is held; until then it waits.
/// A frame that waits longer than the caller's patience means a lost one: the caller takes a
/// <see cref="DocumentSnapshot"/> and <see cref="Restart"/>s the chain from it.
/// </summary>
/// <remarks>
/// Yjs would apply overtaken updates by itself once the missing one came, but as one change: a preview
/// would then build two keystrokes as one, and a lost update would hold back every later one for good.
/// </remarks>
public sealed class FrameChain(long known)
{
    readonly List<DocumentFrame> _waiting = [];
    DateTimeOffset _waitingSince;

    /// <summary>Everything the document sent up to this version is held.</summary>
    public long Known { get; private set; } = known;

    public int Waiting => _waiting.Count;

    /// <summary>Takes one update frame; returns the frames to apply now, in the order they were sent (none, it, or it and those that waited for it).</summary>
    public IReadOnlyList<DocumentFrame> Accept(DocumentFrame frame, DateTimeOffset now)
    {
        if (frame.Previous > Known)
        {
            if (_waiting.Count == 0)
                _waitingSince = now;
            _waiting.Add(frame);
            return [];
        }
        var ready = new List<DocumentFrame> { frame };
        Known = Math.Max(Known, frame.Version);
        Release(ready);
        return ready;
    }

    /// <summary>True when a frame has waited longer than <paramref name="patience"/> for the one before it.</summary>
    public bool IsStuck(DateTimeOffset now, TimeSpan patience) => _waiting.Count > 0 && now - _waitingSince > patience;

    /// <summary>
    /// Starts again from a snapshot of <paramref name="version"/>: returns the waiting frames that now follow
    /// (frames the snapshot already includes are applied again harmlessly; Yjs ignores what it has).
    /// </summary>
    public IReadOnlyList<DocumentFrame> Restart(long version, DateTimeOffset now)
    {
        Known = version;
        var ready = new List<DocumentFrame>();
        Release(ready);
        if (_waiting.Count > 0)
            _waitingSince = now;
        return ready;
    }

    void Release(List<DocumentFrame> ready)
    {
        while (true)
        {
            var next = -1;
            for (var i = 0; i < _waiting.Count; i++)
            {
                if (_waiting[i].Previous <= Known && (next < 0 || _waiting[i].Previous < _waiting[next].Previous))
                    next = i;
            }
            if (next < 0)
                return;
            var frame = _waiting[next];
            _waiting.RemoveAt(next);
            ready.Add(frame);
            Known = Math.Max(Known, frame.Version);
        }
    }
}
