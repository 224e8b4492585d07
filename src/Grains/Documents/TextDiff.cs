using Vibe.Contracts.Documents;
using Vibe.Contracts.Errors;

namespace Vibe.Grains.Documents;

/// <summary>Text edits: the minimal single edit between two texts, and validated application of edits.</summary>
public static class TextDiff
{
    /// <summary>
    /// The one edit that turns <paramref name="before"/> into <paramref name="after"/> by keeping their
    /// common prefix and suffix, so collaborators see a small change rather than a replacement.
    /// Never splits a surrogate pair.
    /// </summary>
    public static TextEdit? Minimal(string before, string after)
    {
        if (string.Equals(before, after, StringComparison.Ordinal))
            return null;
        var prefix = before.AsSpan().CommonPrefixLength(after);
        if (prefix > 0 && char.IsHighSurrogate(before[prefix - 1]))
            prefix--;
        var maxSuffix = Math.Min(before.Length, after.Length) - prefix;
        var suffix = 0;
        while (suffix < maxSuffix && before[before.Length - 1 - suffix] == after[after.Length - 1 - suffix])
            suffix++;
        if (suffix > 0 && char.IsLowSurrogate(before[before.Length - suffix]))
            suffix--;
        return new TextEdit(prefix, before.Length - prefix - suffix, after.Substring(prefix, after.Length - prefix - suffix));
    }

    public static string Apply(string text, IReadOnlyList<TextEdit> edits)
    {
        if (edits is null)
            throw new VibeException(VibeErrorCodes.Validation, "The list of edits is missing.");
        var builder = new System.Text.StringBuilder(text);
        foreach (var edit in edits)
        {
            if (edit is null)
                throw new VibeException(VibeErrorCodes.Validation, "An edit in the list is missing.");
            if (edit.Position < 0 || edit.DeleteCount < 0 || edit.Position > builder.Length || edit.DeleteCount > builder.Length - edit.Position)
                throw new VibeException(VibeErrorCodes.Validation,
                    $"Edit at {edit.Position} deleting {edit.DeleteCount} is outside the text of length {builder.Length}.");
            builder.Remove(edit.Position, edit.DeleteCount).Insert(edit.Position, edit.Insert ?? "");
        }
        return builder.ToString();
    }
}
