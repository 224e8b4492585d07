using Vibe.Crdt.Types;
using Xunit;

namespace Vibe.Crdt.Tests;

public sealed class TypeTests
{
    private static Doc Sync(Doc source)
    {
        var copy = new Doc();
        Y.ApplyUpdate(copy, Y.EncodeStateAsUpdate(source));
        return copy;
    }

    [Fact]
    public void Text_formatting_and_embeds_show_in_the_delta()
    {
        var doc = new Doc(new DocOptions { ClientId = 1 });
        var text = doc.GetText("t");
        text.Insert(0, "hello world");
        text.Format(0, 5, new JsObject { ["bold"] = true });
        text.InsertEmbed(11, new JsObject { ["image"] = "x.png" });
        var delta = text.ToDelta().Select(d => JsonText.Stringify(d.ToJson())).ToList();
        Assert.Equal(new[]
        {
            "{\"insert\":\"hello\",\"attributes\":{\"bold\":true}}",
            "{\"insert\":\" world\"}",
            "{\"insert\":{\"image\":\"x.png\"}}",
        }, delta);
        var copy = Sync(doc).GetText("t");
        Assert.Equal(delta, copy.ToDelta().Select(d => JsonText.Stringify(d.ToJson())));
        Assert.Equal("hello world", copy.ToString());
    }

    [Fact]
    public void Inserting_inside_bold_text_inherits_bold()
    {
        var doc = new Doc();
        var text = doc.GetText("t");
        text.Insert(0, "ab", new JsObject { ["bold"] = true });
        text.Insert(1, "X");
        Assert.Single(text.ToDelta());
        text.Format(0, 3, new JsObject { ["bold"] = null });
        Assert.Equal("{\"insert\":\"aXb\"}", JsonText.Stringify(text.ToDelta().Single().ToJson()));
    }

    [Fact]
    public void Surrogate_pairs_split_by_a_delete_become_replacement_characters_like_yjs()
    {
        var doc = new Doc();
        var text = doc.GetText("t");
        text.Insert(0, "a😀b");
        Assert.Equal(4, text.Length);
        text.Delete(2, 1); // removes the low surrogate only
        Assert.Equal("a\uFFFDb", text.ToString());
    }

    [Fact]
    public void Map_and_array_round_trip_nested_values()
    {
        var doc = new Doc();
        var map = doc.GetMap("m");
        map.Set("n", 1);
        map.Set("s", "str");
        map.Set("o", new JsObject { ["a"] = new List<object?> { 1, 2 } });
        var inner = new YArray();
        map.Set("arr", inner);
        inner.Push("x", "y");
        inner.Insert(1, true);
        map.Set("n", 2);
        map.Delete("s");
        var json = JsonText.Stringify(Sync(doc).GetMap("m").ToJson());
        Assert.Equal("{\"n\":2,\"o\":{\"a\":[1,2]},\"arr\":[\"x\",true,\"y\"]}", json);
    }

    [Fact]
    public void Array_delete_and_insert_at_positions()
    {
        var doc = new Doc();
        var arr = doc.GetArray("a");
        arr.Insert(0, 1, 2, 3, 4, 5);
        arr.Delete(1, 2);
        arr.Insert(2, "x");
        Assert.Equal("[1,4,\"x\",5]", JsonText.Stringify(arr.ToJson()));
        Assert.Equal(4L, arr.Length);
    }

    [Fact]
    public void Xml_fragment_serialises_like_yjs_and_round_trips()
    {
        var doc = new Doc();
        var frag = doc.GetXmlFragment("prosemirror");
        var p = new YXmlElement("paragraph");
        p.SetAttribute("align", "left");
        var t = new YXmlText();
        frag.Push(p);
        p.Push(t);
        t.Insert(0, "Hi there");
        t.Format(0, 2, new JsObject { ["strong"] = true });
        var expected = "<paragraph align=\"left\"><strong>Hi</strong> there</paragraph>";
        Assert.Equal(expected, frag.ToString());
        Assert.Equal(expected, Sync(doc).GetXmlFragment("prosemirror").ToString());
    }

    [Fact]
    public void Subdocuments_round_trip_with_guid_and_options()
    {
        var doc = new Doc();
        var sub = new Doc(new DocOptions { Guid = "sub-1", Meta = "m", AutoLoad = true });
        doc.GetMap("docs").Set("a", sub);
        var copy = Sync(doc);
        var got = Assert.IsType<Doc>(copy.GetMap("docs").Get("a"));
        Assert.Equal("sub-1", got.Guid);
        Assert.True(got.AutoLoad);
        Assert.Equal("m", got.Meta);
        Assert.Equal(Y.EncodeStateAsUpdate(doc), Y.EncodeStateAsUpdate(copy));
    }

    [Fact]
    public void Client_ids_up_to_2_pow_53_are_supported()
    {
        var big = (1L << 53) - 1;
        var doc = new Doc(new DocOptions { ClientId = big });
        doc.GetText("t").Insert(0, "x");
        var copy = Sync(doc);
        Assert.Equal(big, Y.GetStateVector(copy).Keys.Single());
        Assert.Equal("x", copy.GetText("t").ToString());
    }

    [Fact]
    public void Out_of_order_updates_wait_as_pending_and_apply_when_dependencies_arrive()
    {
        var a = new Doc(new DocOptions { ClientId = 1 });
        var updates = new List<byte[]>();
        a.Update += (u, _, _) => updates.Add(u);
        var text = a.GetText("t");
        text.Insert(0, "abc");
        text.Insert(3, "def");
        text.Delete(0, 1);
        var b = new Doc();
        Y.ApplyUpdate(b, updates[2]);
        Y.ApplyUpdate(b, updates[1]);
        Assert.Equal("", b.GetText("t").ToString());
        // The pending content is still part of the state a peer receives.
        var relay = new Doc();
        Y.ApplyUpdate(relay, Y.EncodeStateAsUpdate(b));
        Y.ApplyUpdate(b, updates[0]);
        Assert.Equal("bcdef", b.GetText("t").ToString());
        Y.ApplyUpdate(relay, updates[0]);
        Assert.Equal("bcdef", relay.GetText("t").ToString());
    }

    [Fact]
    public void Gc_disabled_keeps_deleted_content()
    {
        var doc = new Doc(new DocOptions { Gc = false });
        doc.GetText("t").Insert(0, "hello");
        doc.GetText("t").Delete(0, 5);
        var withGc = new Doc();
        withGc.GetText("t").Insert(0, "hello");
        withGc.GetText("t").Delete(0, 5);
        Assert.True(Y.EncodeStateAsUpdate(doc).Length > Y.EncodeStateAsUpdate(withGc).Length);
    }

    [Fact]
    public void Observers_see_map_keys_and_list_deltas_and_transaction_origin()
    {
        var doc = new Doc();
        var map = doc.GetMap("m");
        var arr = doc.GetArray("a");
        var keys = new List<string>();
        object? origin = null;
        map.Observe((e, tx) =>
        {
            keys.AddRange(e.Keys.Select(k => k.Key + ":" + k.Value.Action));
            origin = tx.Origin;
        });
        string? delta = null;
        arr.Observe((e, _) => delta = JsonText.Stringify(e.Delta));
        doc.Transact(_ => map.Set("x", 1), "me");
        Assert.Equal(new[] { "x:add" }, keys);
        Assert.Equal("me", origin);
        arr.Push(1, 2, 3);
        arr.Delete(1);
        Assert.Equal("[{\"retain\":1},{\"delete\":1}]", delta);
    }

    [Fact]
    public void A_type_changed_as_a_list_and_by_key_in_one_transaction_reports_both_and_no_later_event_inherits_the_key()
    {
        // A list-only change is recorded with a set shared by all transactions; a key change on the same type must
        // get a set of its own, or the key would leak into every later list-only event.
        var doc = new Doc();
        var element = doc.GetXmlElement("e");
        var text = doc.GetText("t");
        var events = new List<(bool List, string Keys)>();
        element.Observe((e, _) => events.Add((e.ChildListChanged, string.Join(",", e.KeysChanged.Order()))));
        var textKeys = new List<string>();
        text.Observe((e, _) => textKeys.Add(string.Join(",", e.KeysChanged)));

        doc.Transact(_ =>
        {
            element.Insert(0, new YXmlElement("p"));
            element.SetAttribute("class", "a");
        });
        text.Insert(0, "x");
        element.Insert(1, new YXmlElement("p"));

        Assert.Equal([(true, "class"), (true, "")], events);
        Assert.Equal([""], textKeys);
    }

    [Fact]
    public void Text_events_carry_quill_deltas_with_formatting()
    {
        var doc = new Doc();
        var text = doc.GetText("t");
        text.Insert(0, "hello world");
        var deltas = new List<string>();
        text.Observe((e, _) => deltas.Add(JsonText.Stringify(e.Delta)));
        text.Format(0, 5, new JsObject { ["bold"] = true });
        text.Insert(6, "big ", new JsObject { ["italic"] = true });
        text.Delete(0, 2);
        Assert.Equal(new[]
        {
            "[{\"retain\":5,\"attributes\":{\"bold\":true}}]",
            "[{\"retain\":6},{\"insert\":\"big \",\"attributes\":{\"italic\":true}}]",
            "[{\"delete\":2}]",
        }, deltas);
    }

    [Fact]
    public void A_throwing_observer_does_not_break_later_transactions()
    {
        var doc = new Doc();
        var map = doc.GetMap("m");
        var fail = true;
        map.Observe((_, _) =>
        {
            if (fail) throw new InvalidOperationException("observer failed");
        });
        Assert.Throws<InvalidOperationException>(() => map.Set("a", 1));
        fail = false;
        var updates = 0;
        doc.Update += (_, _, _) => updates++;
        map.Set("b", 2);
        Assert.Equal(1, updates);
        Assert.Equal("{\"a\":1,\"b\":2}", JsonText.Stringify(map.ToJson()));
    }
}
