using Xunit;

namespace Vibe.Crdt.Tests;

public sealed class UndoManagerTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Undo_and_redo_text_edits()
    {
        var time = new ManualTime();
        var doc = new Doc();
        var text = doc.GetText("t");
        using var um = new UndoManager(text, new UndoManagerOptions { Time = time });
        text.Insert(0, "hello");
        time.Now += TimeSpan.FromSeconds(1);
        text.Insert(5, " world");
        Assert.Equal("hello world", text.ToString());
        um.Undo();
        Assert.Equal("hello", text.ToString());
        um.Undo();
        Assert.Equal("", text.ToString());
        um.Redo();
        Assert.Equal("hello", text.ToString());
        um.Redo();
        Assert.Equal("hello world", text.ToString());
        text.Delete(0, 6);
        um.Undo();
        Assert.Equal("hello world", text.ToString());
    }

    [Fact]
    public void Changes_within_the_capture_timeout_form_one_step()
    {
        var time = new ManualTime();
        var doc = new Doc();
        var text = doc.GetText("t");
        using var um = new UndoManager(text, new UndoManagerOptions { Time = time });
        text.Insert(0, "a");
        time.Now += TimeSpan.FromMilliseconds(100);
        text.Insert(1, "b");
        Assert.Single(um.UndoStack);
        um.Undo();
        Assert.Equal("", text.ToString());
    }

    [Fact]
    public void Only_tracked_origins_are_undone()
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        var map = doc.GetMap("m");
        using var um = new UndoManager(map, new UndoManagerOptions { TrackedOrigins = new object?[] { "local" } });
        doc.Transact(_ => map.Set("a", 1), "local");
        var remote = new Doc(new DocOptions { ClientId = 2 });
        Y.ApplyUpdate(remote, Y.EncodeStateAsUpdate(doc));
        remote.GetMap("m").Set("b", 2);
        Y.ApplyUpdate(doc, Y.EncodeStateAsUpdate(remote), "remote");
        Assert.Single(um.UndoStack);
        um.Undo();
        Assert.Equal("{\"b\":2}", JsonText.Stringify(map.ToJson()));
        um.Redo();
        Assert.Equal("{\"a\":1,\"b\":2}", JsonText.Stringify(map.ToJson()));
    }

    [Fact]
    public void Undo_restores_overwritten_map_values_and_deleted_nested_types()
    {
        var time = new ManualTime();
        var doc = new Doc();
        var map = doc.GetMap("m");
        using var um = new UndoManager(map, new UndoManagerOptions { Time = time });
        var inner = new Types.YArray();
        map.Set("list", inner);
        inner.Push(1, 2);
        time.Now += TimeSpan.FromSeconds(1);
        map.Delete("list");
        Assert.Equal("{}", JsonText.Stringify(map.ToJson()));
        um.Undo();
        Assert.Equal("{\"list\":[1,2]}", JsonText.Stringify(map.ToJson()));
    }
}
