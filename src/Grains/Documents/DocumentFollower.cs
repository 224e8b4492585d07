using Vibe.Contracts.Documents;

namespace Vibe.Grains.Documents;

/// <summary>
/// A listener's side of one document's pushes (<see cref="IDocumentListener"/>): the registration and its renewal,
/// the chain of pushed update frames (<see cref="FrameChain"/>), and when to take the document whole: the grain
/// was activated anew (its epoch changed, so updates may have been pushed to nobody) or a frame waited longer
/// than the caller's patience for a lost one. Web nodes and previews follow documents through it. Thread-safe.
/// </summary>
public sealed class DocumentFollower(IGrainFactory grains, string documentId, IDocumentListener listener)
{
    readonly Lock _lock = new();
    /// <summary>Until told where pushes continue (or a snapshot), nothing is known: frames wait.</summary>
    readonly FrameChain _chain = new(long.MinValue);
    Guid _epoch;

    public string DocumentId => documentId;

    IDocumentGrain Grain => grains.GetGrain<IDocumentGrain>(documentId);

    /// <summary>
    /// Registers the listener. With <paramref name="continueFromAnswer"/> pushed frames count from the version the
    /// grain answers (a web node, whose connections sync on their own); otherwise they wait for <see cref="CatchUpAsync"/>.
    /// </summary>
    public async Task ListenAsync(bool continueFromAnswer, DateTimeOffset now)
    {
        var listening = await Grain.ListenAsync(listener);
        lock (_lock)
        {
            _epoch = listening.Epoch;
            if (continueFromAnswer)
                _chain.Restart(listening.Version, now);
        }
    }

    /// <summary>Takes one pushed frame: returns the update frames to apply now, in the order the document sent them.</summary>
    public IReadOnlyList<DocumentFrame> Accept(DocumentFrame frame, DateTimeOffset now)
    {
        lock (_lock)
            return _chain.Accept(frame, now);
    }

    /// <summary>
    /// Takes the whole document and starts the chain again from it: returns the snapshot and the frames that waited
    /// and now follow it (applying frames the snapshot already holds again is harmless).
    /// </summary>
    public async Task<DocumentCatchUp> CatchUpAsync(DateTimeOffset now)
    {
        var snapshot = await Grain.GetSnapshotAsync();
        lock (_lock)
            return new DocumentCatchUp(snapshot, _chain.Restart(snapshot.Version, now));
    }

    /// <summary>Renews the registration; when the listener must take the document whole, does so and returns it.</summary>
    public async Task<DocumentCatchUp?> RenewAsync(DateTimeOffset now, TimeSpan patience)
    {
        var listening = await Grain.ListenAsync(listener);
        bool behind;
        lock (_lock)
            behind = listening.Epoch != _epoch || _chain.IsStuck(now, patience);
        if (!behind)
            return null;
        var caughtUp = await CatchUpAsync(now);
        // Only once caught up: a failed snapshot is tried again on the next renewal.
        lock (_lock)
            _epoch = listening.Epoch;
        return caughtUp;
    }

    public Task UnlistenAsync() => Grain.UnlistenAsync(listener);
}

/// <summary>A document taken whole, and the pushed frames that follow it.</summary>
public sealed record DocumentCatchUp(DocumentSnapshot Snapshot, IReadOnlyList<DocumentFrame> Following);
