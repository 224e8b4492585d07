using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Structs;

/// <summary>What an item carries; the ref number is its tag in the update format.</summary>
public abstract class AbstractContent
{
    public abstract int Ref { get; }
    public abstract long Length { get; }
    public abstract bool Countable { get; }

    /// <summary>Values this content contributes to a list, one per clock.</summary>
    public abstract IReadOnlyList<object?> GetContent();

    /// <summary>Cuts this content at offset, keeping the left part and returning the right part.</summary>
    internal virtual AbstractContent Splice(long offset) => throw new InvalidOperationException($"{GetType().Name} cannot be split");

    internal virtual bool MergeWith(AbstractContent right) => false;

    internal virtual void Integrate(Transaction tx, Item item) { }

    internal virtual void Delete(Transaction tx) { }

    internal virtual void Gc(StructStore store) { }

    internal abstract void Write(IUpdateEncoder encoder, long offset);

    internal abstract AbstractContent Copy();
}
