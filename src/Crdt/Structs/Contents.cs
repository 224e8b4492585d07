using System.Text;
using Vibe.Crdt.Types;
using Vibe.Crdt.Updates;

namespace Vibe.Crdt.Structs;

/// <summary>Placeholder for deleted content whose value was collected (ref 1).</summary>
public sealed class ContentDeleted : AbstractContent
{
    private long _length;

    public ContentDeleted(long length) => _length = length;

    public override int Ref => 1;
    public override long Length => _length;
    public override bool Countable => false;
    public override IReadOnlyList<object?> GetContent() => Array.Empty<object?>();

    internal override AbstractContent Splice(long offset)
    {
        var right = new ContentDeleted(_length - offset);
        _length = offset;
        return right;
    }

    internal override bool MergeWith(AbstractContent right)
    {
        _length += right.Length;
        return true;
    }

    internal override void Integrate(Transaction tx, Item item)
    {
        tx.DeleteSet.Add(item.Id.Client, item.Id.Clock, _length);
        item.MarkDeleted();
    }

    internal override void Write(IUpdateEncoder encoder, long offset) => encoder.WriteLen(_length - offset);
    internal override AbstractContent Copy() => new ContentDeleted(_length);
}

/// <summary>Legacy JSON values (ref 2), each stored as a JSON string.</summary>
public sealed class ContentJson : AbstractContent
{
    public List<object?> Values;

    public ContentJson(List<object?> values) => Values = values;

    public override int Ref => 2;
    public override long Length => Values.Count;
    public override bool Countable => true;
    public override IReadOnlyList<object?> GetContent() => Values;

    internal override AbstractContent Splice(long offset)
    {
        var right = new ContentJson(Values.GetRange((int)offset, Values.Count - (int)offset));
        Values.RemoveRange((int)offset, Values.Count - (int)offset);
        return right;
    }

    internal override bool MergeWith(AbstractContent right)
    {
        Values.AddRange(((ContentJson)right).Values);
        return true;
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        encoder.WriteLen(Values.Count - offset);
        for (var i = (int)offset; i < Values.Count; i++) encoder.WriteString(Values[i] is Undefined ? "undefined" : JsonText.Stringify(Values[i]));
    }

    internal override AbstractContent Copy() => new ContentJson(new List<object?>(Values));
}

/// <summary>A binary blob (ref 3).</summary>
public sealed class ContentBinary : AbstractContent
{
    public readonly byte[] Bytes;

    public ContentBinary(byte[] bytes) => Bytes = bytes;

    public override int Ref => 3;
    public override long Length => 1;
    public override bool Countable => true;
    public override IReadOnlyList<object?> GetContent() => new object?[] { Bytes };
    internal override void Write(IUpdateEncoder encoder, long offset) => encoder.WriteBuf(Bytes);
    internal override AbstractContent Copy() => new ContentBinary(Bytes);
}

/// <summary>Text (ref 4); length and offsets are UTF-16 code units like JavaScript strings.</summary>
public sealed class ContentString : AbstractContent
{
    // Merges append to a builder so that a long typing run does not copy the string for every keystroke.
    private string? _str;
    private StringBuilder? _builder;

    public ContentString(string str) => _str = str;

    public string Str
    {
        get
        {
            if (_builder != null)
            {
                _str = _builder.ToString();
                _builder = null;
            }
            return _str!;
        }
    }

    public override int Ref => 4;
    public override long Length => _builder?.Length ?? _str!.Length;
    public override bool Countable => true;

    public override IReadOnlyList<object?> GetContent()
    {
        var s = Str;
        var result = new object?[s.Length];
        for (var i = 0; i < s.Length; i++) result[i] = s[i].ToString();
        return result;
    }

    internal void AppendTo(StringBuilder sb)
    {
        if (_builder != null) sb.Append(_builder);
        else sb.Append(_str);
    }

    internal override AbstractContent Splice(long offset)
    {
        var s = Str;
        var o = (int)offset;
        var left = s[..o];
        var right = s[o..];
        // Never split a surrogate pair: both halves become U+FFFD, exactly like yjs.
        if (o > 0 && char.IsHighSurrogate(s[o - 1]))
        {
            left = string.Concat(left.AsSpan(0, o - 1), "\uFFFD");
            right = string.Concat("\uFFFD", right.AsSpan(1));
        }
        _str = left;
        return new ContentString(right);
    }

    internal override bool MergeWith(AbstractContent right)
    {
        var other = (ContentString)right;
        if (_builder == null)
        {
            if (_str!.Length + other.Length < 64)
            {
                _str = string.Concat(_str, other.Str);
                return true;
            }
            _builder = new StringBuilder(_str, Math.Max(128, (_str.Length + (int)other.Length) * 2));
            _str = null;
        }
        other.AppendTo(_builder);
        return true;
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        var s = Str;
        encoder.WriteString(offset == 0 ? s : s[(int)offset..]);
    }

    internal override AbstractContent Copy() => new ContentString(Str);
}

/// <summary>An embedded JSON object in text (ref 5).</summary>
public sealed class ContentEmbed : AbstractContent
{
    public readonly object? Embed;

    public ContentEmbed(object? embed) => Embed = embed;

    public override int Ref => 5;
    public override long Length => 1;
    public override bool Countable => true;
    public override IReadOnlyList<object?> GetContent() => new[] { Embed };
    internal override void Write(IUpdateEncoder encoder, long offset) => encoder.WriteJson(Embed);
    internal override AbstractContent Copy() => new ContentEmbed(Embed);
}

/// <summary>A formatting mark in text (ref 6): attribute key set to value (null ends it).</summary>
public sealed class ContentFormat : AbstractContent
{
    public readonly string Key;
    public readonly object? Value;

    public ContentFormat(string key, object? value)
    {
        Key = key;
        Value = value;
    }

    public override int Ref => 6;
    public override long Length => 1;
    public override bool Countable => false;
    public override IReadOnlyList<object?> GetContent() => Array.Empty<object?>();

    internal override void Integrate(Transaction tx, Item item)
    {
        // Search markers do not account for formats, so yjs turns them off for rich text.
        if (item.Parent is YText text)
        {
            text.SearchMarkers = null;
            text.HasFormatting = true;
        }
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        encoder.WriteKey(Key);
        encoder.WriteJson(Value);
    }

    internal override AbstractContent Copy() => new ContentFormat(Key, Value);
}

/// <summary>A nested shared type (ref 7).</summary>
public sealed class ContentType : AbstractContent
{
    public readonly AbstractType Type;

    public ContentType(AbstractType type) => Type = type;

    public override int Ref => 7;
    public override long Length => 1;
    public override bool Countable => true;
    public override IReadOnlyList<object?> GetContent() => new object?[] { Type };

    internal override void Integrate(Transaction tx, Item item) => Type.Integrate(tx.Doc, item);

    internal override void Delete(Transaction tx)
    {
        var item = Type.Start;
        while (item != null)
        {
            if (!item.IsDeleted) item.Delete(tx);
            else if (item.Id.Clock < tx.BeforeStateOf(item.Id.Client)) tx.MergeStructs.Add(item);
            item = item.Right;
        }
        foreach (var value in Type.MapField.Values)
        {
            if (!value.IsDeleted) value.Delete(tx);
            else if (value.Id.Clock < tx.BeforeStateOf(value.Id.Client)) tx.MergeStructs.Add(value);
        }
        tx.Changed.Remove(Type);
    }

    internal override void Gc(StructStore store)
    {
        var item = Type.Start;
        while (item != null)
        {
            item.Gc(store, true);
            item = item.Right;
        }
        Type.Start = null;
        foreach (var value in Type.MapField.Values)
        {
            Item? v = value;
            while (v != null)
            {
                v.Gc(store, true);
                v = v.Left;
            }
        }
        Type.MapField = new Dictionary<string, Item>();
    }

    internal override void Write(IUpdateEncoder encoder, long offset) => Type.WriteTypeRef(encoder);
    internal override AbstractContent Copy() => new ContentType(Type.CloneEmpty());
}

/// <summary>Values in lib0 any encoding (ref 8): numbers, strings, objects, arrays, booleans, null, bytes.</summary>
public sealed class ContentAny : AbstractContent
{
    public List<object?> Values;

    public ContentAny(List<object?> values) => Values = values;

    public override int Ref => 8;
    public override long Length => Values.Count;
    public override bool Countable => true;
    public override IReadOnlyList<object?> GetContent() => Values;

    internal override AbstractContent Splice(long offset)
    {
        var right = new ContentAny(Values.GetRange((int)offset, Values.Count - (int)offset));
        Values.RemoveRange((int)offset, Values.Count - (int)offset);
        return right;
    }

    internal override bool MergeWith(AbstractContent right)
    {
        Values.AddRange(((ContentAny)right).Values);
        return true;
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        encoder.WriteLen(Values.Count - offset);
        for (var i = (int)offset; i < Values.Count; i++) encoder.WriteAny(Values[i]);
    }

    internal override AbstractContent Copy() => new ContentAny(new List<object?>(Values));
}

/// <summary>A sub-document (ref 9), identified by guid.</summary>
public sealed class ContentDoc : AbstractContent
{
    public readonly Doc Doc;
    public readonly JsObject Options;

    public ContentDoc(Doc doc)
    {
        Doc = doc;
        Options = new JsObject();
        if (!doc.Gc) Options["gc"] = false;
        if (doc.AutoLoad) Options["autoLoad"] = true;
        if (doc.Meta != null) Options["meta"] = doc.Meta;
    }

    public override int Ref => 9;
    public override long Length => 1;
    public override bool Countable => true;
    public override IReadOnlyList<object?> GetContent() => new object?[] { Doc };

    internal override void Integrate(Transaction tx, Item item)
    {
        Doc.Item = item;
        tx.SubdocsAdded.Add(Doc);
        if (Doc.ShouldLoad) tx.SubdocsLoaded.Add(Doc);
    }

    internal override void Delete(Transaction tx)
    {
        if (!tx.SubdocsAdded.Remove(Doc)) tx.SubdocsRemoved.Add(Doc);
    }

    internal override void Write(IUpdateEncoder encoder, long offset)
    {
        encoder.WriteString(Doc.Guid);
        encoder.WriteAny(Options);
    }

    internal override AbstractContent Copy() => new ContentDoc(Doc.FromOptions(Doc.Guid, Options));
}
