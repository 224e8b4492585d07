namespace Vibe.Crdt;

/// <summary>
/// An update that decodes but refers to content this document does not have (yet), refused by
/// <see cref="Y.ApplyCompleteUpdate"/> instead of being parked until that content arrives. Nothing was applied.
/// </summary>
public sealed class CrdtMissingContentException(long client, long clock)
    : Exception($"The update refers to content this document does not have: client {client}, clock {clock}.")
{
    public long Client { get; } = client;
    public long Clock { get; } = clock;
}
