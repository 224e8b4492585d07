using Xunit;

namespace Vibe.Crdt.Tests;

public sealed class PositionTests
{
    [Fact]
    public void Relative_position_follows_concurrent_inserts_before_it()
    {
        var a = new Doc(new DocOptions { ClientId = 1 });
        var text = a.GetText("t");
        text.Insert(0, "hello world");
        var rel = RelativePosition.FromTypeIndex(text, 6);
        var decoded = RelativePosition.Decode(rel.Encode());
        Assert.Equal(rel.Item, decoded.Item);
        Assert.Equal(rel.Assoc, decoded.Assoc);
        text.Insert(0, ">> ");
        var abs = decoded.ToAbsolute(a)!;
        Assert.Same(text, abs.Type);
        Assert.Equal(9, abs.Index);
    }

    [Fact]
    public void Relative_position_at_the_end_and_left_association()
    {
        var doc = new Doc();
        var text = doc.GetText("t");
        text.Insert(0, "abc");
        var end = RelativePosition.FromTypeIndex(text, 3);
        Assert.Equal("t", end.TypeName);
        Assert.Null(end.Item);
        text.Insert(3, "def");
        Assert.Equal(6, end.ToAbsolute(doc)!.Index);
        var left = RelativePosition.FromTypeIndex(text, 3, assoc: -1);
        text.Insert(3, "X");
        Assert.Equal(3, left.ToAbsolute(doc)!.Index);
    }

    [Fact]
    public void Relative_position_to_missing_content_is_null()
    {
        var a = new Doc();
        a.GetText("t").Insert(0, "abc");
        var rel = RelativePosition.FromTypeIndex(a.GetText("t"), 1);
        Assert.Null(rel.ToAbsolute(new Doc()));
    }

    [Fact]
    public void Snapshot_shows_text_as_it_was()
    {
        var doc = new Doc(new DocOptions { Gc = false });
        var text = doc.GetText("t");
        text.Insert(0, "hello world");
        var snap = Snapshot.Decode(Snapshot.Of(doc).Encode());
        text.Delete(0, 6);
        text.Insert(5, "!");
        Assert.Equal("world!", text.ToString());
        Assert.Equal("hello world", text.ToString(snap));
        var changes = text.ToDelta(Snapshot.Of(doc), snap).Select(op => JsonText.Stringify(op.ToJson())).ToList();
        Assert.Equal(new[]
        {
            "{\"insert\":\"hello \",\"attributes\":{\"ychange\":{\"type\":\"removed\"}}}",
            "{\"insert\":\"world\"}",
            "{\"insert\":\"!\",\"attributes\":{\"ychange\":{\"type\":\"added\"}}}",
        }, changes);
        Assert.True(Snapshot.Of(doc).Equals(Snapshot.Decode(Snapshot.Of(doc).Encode())));
    }

    [Fact]
    public void Snapshot_of_array_and_map()
    {
        var doc = new Doc(new DocOptions { Gc = false });
        var arr = doc.GetArray("a");
        var map = doc.GetMap("m");
        arr.Push(1, 2, 3);
        map.Set("k", "old");
        var snap = Snapshot.Of(doc);
        arr.Delete(0, 2);
        map.Set("k", "new");
        Assert.Equal("[1,2,3]", JsonText.Stringify(arr.ToArray(snap)));
        Assert.Equal("old", map.Get("k", snap));
        Assert.Equal("new", map.Get("k"));
    }
}
