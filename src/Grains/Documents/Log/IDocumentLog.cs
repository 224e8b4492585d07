namespace Vibe.Grains.Documents.Log;

/// <summary>One acknowledged update; <see cref="Id"/> orders all updates of the store.</summary>
public sealed record DocumentLogEntry(long Id, byte[] Update);

/// <summary>What a document grain loads: its latest snapshot and every update committed after it.</summary>
public sealed record StoredDocument(byte[]? Snapshot, long SnapshotThroughId, IReadOnlyList<DocumentLogEntry> Updates)
{
    public long LastId => Updates.Count > 0 ? Updates[^1].Id : SnapshotThroughId;
}

/// <summary>
/// The durable store behind document grains: an append-only update log plus a snapshot per document.
/// <see cref="AppendAsync"/> completes only once the update is committed, so a grain acknowledges nothing
/// that a crash could lose; concurrent appends share one transaction (group commit).
/// </summary>
public interface IDocumentLog
{
    Task<StoredDocument> LoadAsync(string documentId, CancellationToken ct = default);

    /// <summary>Appends and commits; returns the update's id.</summary>
    Task<long> AppendAsync(string documentId, byte[] update, CancellationToken ct = default);

    /// <summary>Stores <paramref name="snapshot"/> as covering every update up to <paramref name="throughId"/> and drops those updates.</summary>
    Task CompactAsync(string documentId, long throughId, byte[] snapshot, CancellationToken ct = default);

    Task DeleteAsync(string documentId, CancellationToken ct = default);
}
