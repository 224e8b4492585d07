using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Types;

/// <summary>A cursor between two items of a text, with the formatting attributes active there.</summary>
internal sealed class TextPosition
{
    public Item? Left;
    public Item? Right;
    public long Index;
    public Dictionary<string, object?> CurrentAttributes;

    public TextPosition(Item? left, Item? right, long index, Dictionary<string, object?> attributes)
    {
        Left = left;
        Right = right;
        Index = index;
        CurrentAttributes = attributes;
    }

    public void Forward()
    {
        var r = Right ?? throw new InvalidOperationException("Cannot move past the end of the text");
        if (r.Content is ContentFormat f)
        {
            if (!r.IsDeleted) UpdateAttributes(CurrentAttributes, f);
        }
        else if (!r.IsDeleted) Index += r.Length;
        Left = r;
        Right = r.Right;
    }

    public static void UpdateAttributes(Dictionary<string, object?> attributes, ContentFormat format)
    {
        if (format.Value == null) attributes.Remove(format.Key);
        else attributes[format.Key] = format.Value;
    }
}
