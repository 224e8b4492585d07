using Vibe.Crdt.Encoding;
using Xunit;

namespace Vibe.Crdt.Tests;

public sealed class RobustDecodingTests
{
    private static byte[] SampleUpdate()
    {
        var doc = new Doc(new DocOptions { ClientId = 7 });
        doc.GetText("text").Insert(0, "hello world");
        doc.GetText("text").Format(0, 5, new JsObject { ["bold"] = true });
        doc.GetMap("map").Set("k", new JsObject { ["a"] = 1.5, ["b"] = new List<object?> { "x", null, true } });
        doc.GetArray("array").Push(1, "two", new byte[] { 3 }, new Types.YMap());
        doc.GetText("text").Delete(2, 3);
        return Y.EncodeStateAsUpdate(doc);
    }

    private static Doc BaseDoc()
    {
        var doc = new Doc(new DocOptions { ClientId = 99 });
        doc.GetText("text").Insert(0, "base");
        doc.GetMap("map").Set("x", 1);
        return doc;
    }

    private static void AssertRejectedAtomically(byte[] bad)
    {
        var doc = BaseDoc();
        var before = Y.EncodeStateAsUpdate(doc);
        Assert.Throws<CrdtFormatException>(() => Y.ApplyUpdate(doc, bad));
        Assert.Equal(before, Y.EncodeStateAsUpdate(doc));
        Assert.Equal("base", doc.GetText("text").ToString());
    }

    [Fact]
    public void Every_truncation_of_an_update_is_rejected_with_a_typed_error_and_no_change()
    {
        var update = SampleUpdate();
        for (var len = 0; len < update.Length - 1; len++)
        {
            var doc = BaseDoc();
            var before = Y.EncodeStateAsUpdate(doc);
            try
            {
                Y.ApplyUpdate(doc, update[..len]);
            }
            catch (CrdtFormatException)
            {
                Assert.Equal(before, Y.EncodeStateAsUpdate(doc));
            }
        }
    }

    [Fact]
    public void Bit_flipped_updates_either_apply_or_fail_with_a_typed_error_leaving_the_doc_unchanged()
    {
        var update = SampleUpdate();
        var rng = new Random(1234);
        for (var i = 0; i < 3000; i++)
        {
            var bad = (byte[])update.Clone();
            var flips = 1 + rng.Next(3);
            for (var f = 0; f < flips; f++) bad[rng.Next(bad.Length)] ^= (byte)(1 << rng.Next(8));
            var doc = BaseDoc();
            var before = Y.EncodeStateAsUpdate(doc);
            try
            {
                Y.ApplyUpdate(doc, bad);
                // Accepted: the document must still encode and decode.
                var copy = new Doc();
                Y.ApplyUpdate(copy, Y.EncodeStateAsUpdate(doc));
            }
            catch (CrdtFormatException)
            {
                Assert.Equal(before, Y.EncodeStateAsUpdate(doc));
            }
        }
    }

    [Fact]
    public void Lying_string_length_is_rejected()
    {
        var w = new Lib0Writer();
        w.WriteVarUint(1UL); // one client
        w.WriteVarUint(1UL); // one struct
        w.WriteVarUint(5UL); // client
        w.WriteVarUint(0UL); // clock
        w.WriteByte(4); // string content, parent info follows
        w.WriteVarUint(1UL); // parent is a root name
        w.WriteVarString("text");
        w.WriteVarUint(1_000_000UL); // claims a megabyte of text
        w.WriteBytes("abc"u8);
        AssertRejectedAtomically(w.ToArray());
    }

    [Fact]
    public void Absurd_struct_count_is_rejected_without_allocating_it()
    {
        var w = new Lib0Writer();
        w.WriteVarUint(1UL);
        w.WriteVarUint((1UL << 50)); // structs
        w.WriteVarUint(5UL);
        w.WriteVarUint(0UL);
        AssertRejectedAtomically(w.ToArray());
    }

    [Fact]
    public void Unknown_content_ref_is_rejected()
    {
        var w = new Lib0Writer();
        w.WriteVarUint(1UL);
        w.WriteVarUint(1UL);
        w.WriteVarUint(5UL);
        w.WriteVarUint(0UL);
        w.WriteByte(17);
        w.WriteVarUint(1UL);
        w.WriteVarString("text");
        AssertRejectedAtomically(w.ToArray());
    }

    [Fact]
    public void Second_valid_struct_followed_by_garbage_does_not_half_apply()
    {
        var good = SampleUpdate();
        var bad = good.Concat(new byte[] { 0xFF }).ToArray();
        // Trailing bytes after a complete update are ignored like yjs does; a cut delete set is not.
        var doc = BaseDoc();
        Y.ApplyUpdate(doc, bad);
        AssertRejectedAtomically(good[..^1]);
    }

    [Fact]
    public void Deeply_nested_any_value_is_rejected_without_stack_overflow()
    {
        var nested = new byte[200_000];
        for (var i = 0; i < nested.Length; i++) nested[i] = i % 2 == 0 ? (byte)117 : (byte)1; // array of one array of ...
        var r = new Lib0Reader(nested);
        Assert.Throws<CrdtFormatException>(() => r.ReadAny());
    }

    [Fact]
    public void Varuint_beyond_2_pow_53_is_rejected()
    {
        var bytes = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F };
        Assert.Throws<CrdtFormatException>(() => new Lib0Reader(bytes).ReadVarUint());
        var w = new Lib0Writer();
        w.WriteVarUint((1UL << 53) - 1);
        Assert.Equal((1L << 53) - 1, new Lib0Reader(w.ToArray()).ReadVarUint());
    }

    [Fact]
    public void Invalid_utf8_string_is_rejected()
    {
        var bytes = new byte[] { 2, 0xC3, 0x28 };
        Assert.Throws<CrdtFormatException>(() => new Lib0Reader(bytes).ReadVarString());
    }

    [Fact]
    public void Any_values_round_trip_with_lib0_tags()
    {
        var value = new JsObject
        {
            ["int"] = 42.0,
            ["neg"] = -7.0,
            ["float"] = 1.5,
            ["double"] = 0.1,
            ["big"] = new JsBigInt(long.MaxValue),
            ["str"] = "ü€😀",
            ["arr"] = new List<object?> { null, Undefined.Value, true, false },
            ["bytes"] = new byte[] { 1, 2, 3 },
            ["2"] = "index keys come first",
        };
        var w = new Lib0Writer();
        w.WriteAny(value);
        var back = new Lib0Reader(w.ToArray()).ReadAny();
        Assert.True(JsValue.DeepEquals(value, back));
        Assert.Equal("2", ((JsObject)back!).Keys.First());
    }

    [Fact]
    public void V2_run_length_columns_cannot_expand_beyond_the_input_budget()
    {
        // Columns: one GC info byte repeated forever, length 1 repeated; the rest claims 2^40 structs.
        var w = new Lib0Writer();
        w.WriteVarUint(0UL);
        w.WriteVarBytes(Array.Empty<byte>()); // key clocks
        var clients = new Lib0Writer();
        clients.WriteVarInt(5);
        w.WriteVarBytes(clients.ToArray());
        w.WriteVarBytes(Array.Empty<byte>()); // left clocks
        w.WriteVarBytes(Array.Empty<byte>()); // right clocks
        w.WriteVarBytes(new byte[] { 0 }); // info: GC forever
        var strings = new Lib0Writer();
        strings.WriteVarString("");
        w.WriteVarBytes(strings.ToArray());
        w.WriteVarBytes(Array.Empty<byte>()); // parent info
        w.WriteVarBytes(Array.Empty<byte>()); // type refs
        var lens = new Lib0Writer();
        lens.WriteVarInt(1, negative: true);
        lens.WriteVarUint(1UL << 50);
        w.WriteVarBytes(lens.ToArray());
        w.WriteVarUint(1UL); // one client block
        w.WriteVarUint(1UL << 40); // absurd struct count
        w.WriteVarUint(0UL); // clock
        var doc = new Doc();
        Assert.Throws<CrdtFormatException>(() => Y.ApplyUpdateV2(doc, w.ToArray()));
        Assert.Empty(doc.Store.Clients);
    }

    /// <summary>A one-character insert by client 2 between the characters <paramref name="origin"/> and <paramref name="rightOrigin"/> of client 1.</summary>
    private static byte[] InsertBetween(long originClock, long rightOriginClock)
    {
        var w = new Lib0Writer();
        w.WriteVarUint(1UL); // clients
        w.WriteVarUint(1UL); // structs of client 2
        w.WriteVarUint(2UL);
        w.WriteVarUint(0UL); // clock
        w.WriteByte(0x80 | 0x40 | 4); // origin, right origin, string content
        w.WriteVarUint(1UL);
        w.WriteVarUint((ulong)originClock);
        w.WriteVarUint(1UL);
        w.WriteVarUint((ulong)rightOriginClock);
        w.WriteVarString("X");
        w.WriteVarUint(0UL); // no deletions
        return w.ToArray();
    }

    private static Doc Typed(Action<Types.YText> type)
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        type(doc.GetText("text"));
        return doc;
    }

    [Fact]
    public void An_item_between_its_neighbours_applies_even_when_the_right_one_is_older()
    {
        // "b" typed first (1:0), then "a" before it (1:1): the list is a(1:1) b(1:0), so origin 1:1 and right
        // origin 1:0 are in order although the right one's clock is lower.
        var doc = Typed(t => { t.Insert(0, "b"); t.Insert(0, "a"); });
        Y.ApplyUpdate(doc, InsertBetween(1, 0));
        Assert.Equal("aXb", doc.GetText("text").ToString());
        var plain = Typed(t => t.Insert(0, "abc"));
        Y.ApplyUpdate(plain, InsertBetween(0, 1));
        Assert.Equal("aXbc", plain.GetText("text").ToString());
    }

    [Theory]
    [InlineData(1, 1)] // origin and right origin the same character
    [InlineData(2, 0)] // right origin left of the origin
    public void An_item_whose_right_origin_is_not_right_of_its_origin_is_refused_and_changes_nothing(long origin, long rightOrigin)
    {
        // Such an update decodes, but yjs would link the item between the wrong neighbours and the text would stop
        // matching the document's own encoding (found by bit-flipping updates, Collab.Tests' DecodableCorruptionTests).
        var doc = Typed(t => t.Insert(0, "abc"));
        var before = Y.EncodeStateAsUpdate(doc);
        var error = Assert.Throws<CrdtFormatException>(() => Y.ApplyUpdate(doc, InsertBetween(origin, rightOrigin)));
        Assert.Contains("origin", error.Message);
        Assert.Equal(before, Y.EncodeStateAsUpdate(doc));
        Assert.Equal("abc", doc.GetText("text").ToString());
    }

    [Fact]
    public void An_item_whose_neighbours_are_in_two_different_texts_is_refused_and_changes_nothing()
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        doc.GetText("text").Insert(0, "ab"); // 1:0, 1:1
        doc.GetText("other").Insert(0, "cd"); // 1:2, 1:3
        doc.ClientId = 3;
        doc.GetText("text").Insert(2, "z"); // 3:0, so the origin's item has a right neighbour
        var before = Y.EncodeStateAsUpdate(doc);
        Assert.Throws<CrdtFormatException>(() => Y.ApplyUpdate(doc, InsertBetween(0, 3)));
        Assert.Equal(before, Y.EncodeStateAsUpdate(doc));
        Assert.Equal("abz", doc.GetText("text").ToString());
        Assert.Equal("cd", doc.GetText("other").ToString());
    }

    private static (Doc Server, Doc Writer) SyncedPair()
    {
        var server = new Doc(new DocOptions { ClientId = 1 });
        server.GetText("text").Insert(0, "abc");
        var writer = new Doc(new DocOptions { ClientId = 2 });
        Y.ApplyUpdate(writer, Y.EncodeStateAsUpdate(server));
        return (server, writer);
    }

    private static byte[] Change(Doc doc, Action<Types.YText> change)
    {
        byte[]? update = null;
        void Capture(byte[] u, object? _, Transaction __) => update = u;
        doc.Update += Capture;
        change(doc.GetText("text"));
        doc.Update -= Capture;
        return update!;
    }

    [Fact]
    public void A_complete_update_applies_even_when_its_parts_depend_on_each_other()
    {
        var (server, writer) = SyncedPair();
        var first = Change(writer, t => t.Insert(1, "X"));
        var third = new Doc(new DocOptions { ClientId = 3 });
        Y.ApplyUpdate(third, Y.EncodeStateAsUpdate(writer));
        var second = Change(third, t => t.Insert(2, "Y")); // its origin is the writer's X
        Y.ApplyCompleteUpdate(server, Y.MergeUpdates([second, first]));
        Assert.Equal("aXYbc", server.GetText("text").ToString());
    }

    [Fact]
    public void An_update_that_would_wait_for_missing_content_is_refused_whole_by_ApplyCompleteUpdate()
    {
        var (server, writer) = SyncedPair();
        Change(writer, t => t.Insert(1, "X")); // never sent
        var gap = Change(writer, t => t.Insert(0, "Y")); // clock 1 of client 2: the server lacks clock 0
        var stranger = new Doc(new DocOptions { ClientId = 9 });
        Change(stranger, t => t.Insert(0, "Q"));
        var deleteUnknown = Change(stranger, t => t.Delete(0, 1)); // deletes 9:0, which the server never got
        var before = Y.EncodeStateAsUpdate(server);
        foreach (var update in new[] { gap, deleteUnknown, Y.MergeUpdates([gap, Change(writer, t => t.Insert(0, "Z"))]) })
        {
            var error = Assert.Throws<CrdtMissingContentException>(() => Y.ApplyCompleteUpdate(server, update));
            Assert.Contains("does not have", error.Message);
            // The encoded state includes parked structs and deletions, so this also shows nothing was parked.
            Assert.Equal(before, Y.EncodeStateAsUpdate(server));
        }
        Assert.Equal("abc", server.GetText("text").ToString());
    }
}
