using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Types;

/// <summary>A root created by an update before the application said which type it is.</summary>
public sealed class YUnknown : AbstractType
{
    internal override void WriteTypeRef(IUpdateEncoder encoder) => throw new InvalidOperationException("Root placeholders are never nested");
    internal override AbstractType CloneEmpty() => new YUnknown();
    public override object? ToJson() => Undefined.Value;
}
