namespace Vibe.Crdt;

/// <summary>Identifies one unit of content: the client that created it and its logical clock.</summary>
public readonly record struct Id(long Client, long Clock)
{
    public override string ToString() => $"{Client}:{Clock}";
}
