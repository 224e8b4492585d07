using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Structs;

/// <summary>A run of consecutive clocks of one client: an item, a garbage-collected range or a skip.</summary>
public abstract class AbstractStruct
{
    public Id Id;
    public long Length;

    protected AbstractStruct(Id id, long length)
    {
        Id = id;
        Length = length;
    }

    public abstract bool Deleted { get; }

    internal abstract bool MergeWith(AbstractStruct right);

    internal abstract void Write(IUpdateEncoder encoder, long offset);

    internal abstract void Integrate(Transaction tx, long offset);

    /// <summary>Client whose struct this one depends on but the store lacks; null when all dependencies exist.</summary>
    internal abstract long? GetMissing(Transaction tx, StructStore store);
}

/// <summary>Content removed by garbage collection; only its clock range remains.</summary>
public sealed class GcStruct : AbstractStruct
{
    public GcStruct(Id id, long length) : base(id, length) { }

    public override bool Deleted => true;

    internal override bool MergeWith(AbstractStruct right)
    {
        if (right is not GcStruct) return false;
        Length += right.Length;
        return true;
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        encoder.WriteInfo(0);
        encoder.WriteLen(Length - offset);
    }

    internal override void Integrate(Transaction tx, long offset)
    {
        if (offset > 0)
        {
            Id = new Id(Id.Client, Id.Clock + offset);
            Length -= offset;
        }
        tx.Doc.Store.AddStruct(this);
    }

    internal override long? GetMissing(Transaction tx, StructStore store) => null;
}

/// <summary>A gap in an update (content the sender did not include); never stored in a document.</summary>
public sealed class SkipStruct : AbstractStruct
{
    public SkipStruct(Id id, long length) : base(id, length) { }

    public override bool Deleted => true;

    internal override bool MergeWith(AbstractStruct right)
    {
        if (right is not SkipStruct) return false;
        Length += right.Length;
        return true;
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        encoder.WriteInfo(10);
        encoder.Rest.WriteVarUint(Length - offset);
    }

    internal override void Integrate(Transaction tx, long offset) => throw new InvalidOperationException("Skip structs are never integrated");

    internal override long? GetMissing(Transaction tx, StructStore store) => null;
}
