using System.Text;
using Vibe.Contracts.Documents;
using Vibe.Grains.Documents;

namespace Vibe.Grains.Tests.Documents;

public sealed class TextDiffTests
{
    [Fact]
    public void Equal_texts_need_no_edit() => Assert.Null(TextDiff.Minimal("same", "same"));

    [Theory]
    [InlineData("hello world", "hello brave world", 6, 0, "brave ")]
    [InlineData("hello world", "hello", 5, 6, "")]
    [InlineData("", "abc", 0, 0, "abc")]
    [InlineData("abc", "", 0, 3, "")]
    [InlineData("abc", "xyz", 0, 3, "xyz")]
    [InlineData("aaa", "aaaa", 3, 0, "a")]
    public void Minimal_keeps_the_common_prefix_and_suffix(string before, string after, int position, int delete, string insert) =>
        Assert.Equal(new TextEdit(position, delete, insert), TextDiff.Minimal(before, after));

    [Fact]
    public void Minimal_never_splits_a_pair_sharing_its_high_surrogate()
    {
        // U+1F600 and U+1F601 share the high surrogate D83D.
        var edit = TextDiff.Minimal("a\U0001F600b", "a\U0001F601b")!;
        Assert.Equal(new TextEdit(1, 2, "\U0001F601"), edit);
    }

    [Fact]
    public void Minimal_never_splits_a_pair_sharing_its_low_surrogate()
    {
        // U+1E600 and U+1F600 share the low surrogate DE00.
        var edit = TextDiff.Minimal("a\U0001E600b", "a\U0001F600b")!;
        Assert.Equal(new TextEdit(1, 2, "\U0001F600"), edit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    [InlineData(20261123)]
    public void Applying_the_minimal_edit_gives_the_new_text_without_splitting_pairs(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var before = RandomText(random);
            var after = random.Next(3) == 0 ? Mutate(random, before) : RandomText(random);
            var edit = TextDiff.Minimal(before, after);
            if (edit is null)
            {
                Assert.Equal(before, after);
                continue;
            }
            Assert.Equal(after, TextDiff.Apply(before, [edit]));
            Assert.False(SplitsPair(before, edit.Position), $"seed {seed} case {i}: start splits a pair in before");
            Assert.False(SplitsPair(before, edit.Position + edit.DeleteCount), $"seed {seed} case {i}: end splits a pair in before");
            Assert.False(SplitsPair(after, edit.Position), $"seed {seed} case {i}: start splits a pair in after");
            Assert.False(SplitsPair(after, edit.Position + edit.Insert.Length), $"seed {seed} case {i}: end splits a pair in after");
            Assert.True(IsWellFormed(edit.Insert), $"seed {seed} case {i}: insert is not well-formed UTF-16");
        }
    }

    [Fact]
    public void Apply_runs_edits_in_order()
    {
        var text = TextDiff.Apply("abc", [new TextEdit(1, 1, "XY"), new TextEdit(0, 0, ">")]);
        Assert.Equal(">aXYc", text);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    [InlineData(4, 0)]
    [InlineData(2, 2)]
    [InlineData(int.MaxValue, int.MaxValue)]
    public void Apply_refuses_edits_outside_the_text(int position, int delete)
    {
        var e = Assert.Throws<VibeException>(() => TextDiff.Apply("abc", [new TextEdit(position, delete, "x")]));
        Assert.Equal(VibeErrorCodes.Validation, e.Code);
    }

    [Fact]
    public void Apply_treats_a_missing_insert_as_empty() =>
        Assert.Equal("ac", TextDiff.Apply("abc", [new TextEdit(1, 1, null!)]));

    // Emoji and other astral characters chosen so some share a high and some a low surrogate.
    static readonly string[] Alphabet = ["a", "b", " ", "\n", "é", "\U0001F600", "\U0001F601", "\U0001E600", "\U0001F680", "\U00010000", "👍🏽"];

    static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        var length = random.Next(0, 12);
        for (var i = 0; i < length; i++)
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        return builder.ToString();
    }

    /// <summary>A small change to whole characters, the usual case of an editor keystroke.</summary>
    static string Mutate(Random random, string text)
    {
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        var parts = new List<string>();
        while (elements.MoveNext())
            parts.Add((string)elements.Current);
        var at = random.Next(parts.Count + 1);
        if (random.Next(2) == 0 || parts.Count == 0)
            parts.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
        else
            parts[Math.Min(at, parts.Count - 1)] = Alphabet[random.Next(Alphabet.Length)];
        return string.Concat(parts);
    }

    static bool SplitsPair(string text, int index) =>
        index > 0 && index < text.Length && char.IsHighSurrogate(text[index - 1]) && char.IsLowSurrogate(text[index]);

    static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                    return false;
                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
                return false;
        }
        return true;
    }
}
