namespace Vibe.Crdt.Encoding;

/// <summary>lib0 RleEncoder over bytes: a value, then (repeat count - 1) when it changes.</summary>
internal sealed class ByteRleEncoder
{
    public readonly Lib0Writer Writer = new(64);
    private int _state = -1;
    private long _count;

    public void Write(byte v)
    {
        if (_state == v)
        {
            _count++;
            return;
        }
        if (_count > 0) Writer.WriteVarUint((ulong)(_count - 1));
        _count = 1;
        Writer.WriteByte(v);
        _state = v;
    }

    public byte[] ToArray() => Writer.ToArray();
}

/// <summary>lib0 UintOptRleEncoder: single values positive, runs as negated value plus (count - 2).</summary>
internal sealed class UintOptRleEncoder
{
    private readonly Lib0Writer _writer = new(64);
    private long _state;
    private long _count;

    public void Write(long v)
    {
        if (_state == v)
        {
            _count++;
            return;
        }
        Flush();
        _count = 1;
        _state = v;
    }

    private void Flush()
    {
        if (_count <= 0) return;
        _writer.WriteVarInt(_state, _count > 1);
        if (_count > 1) _writer.WriteVarUint((ulong)(_count - 2));
    }

    public byte[] ToArray()
    {
        Flush();
        _count = 0;
        return _writer.ToArray();
    }
}

/// <summary>lib0 IntDiffOptRleEncoder: runs of equal differences, the low bit telling whether a count follows.</summary>
internal sealed class IntDiffOptRleEncoder
{
    private readonly Lib0Writer _writer = new(64);
    private long _state;
    private long _count;
    private long _diff;

    public void Write(long v)
    {
        if (_diff == v - _state)
        {
            _state = v;
            _count++;
            return;
        }
        Flush();
        _count = 1;
        _diff = v - _state;
        _state = v;
    }

    private void Flush()
    {
        if (_count <= 0) return;
        var encoded = _diff * 2 + (_count == 1 ? 0 : 1);
        _writer.WriteVarInt(encoded);
        if (_count > 1) _writer.WriteVarUint((ulong)(_count - 2));
    }

    public byte[] ToArray()
    {
        Flush();
        _count = 0;
        return _writer.ToArray();
    }
}

/// <summary>lib0 StringEncoder: all strings concatenated, plus their UTF-16 lengths.</summary>
internal sealed class StringColumnEncoder
{
    private readonly System.Text.StringBuilder _all = new();
    private readonly UintOptRleEncoder _lengths = new();

    public void Write(string s)
    {
        _all.Append(s);
        _lengths.Write(s.Length);
    }

    public byte[] ToArray()
    {
        var w = new Lib0Writer();
        w.WriteVarString(_all.ToString());
        w.WriteBytes(_lengths.ToArray());
        return w.ToArray();
    }
}

/// <summary>Shared read budget of one v2 update so run-length encoded columns cannot expand without bound.</summary>
internal sealed class ReadBudget
{
    private long _remaining;

    public ReadBudget(long remaining) => _remaining = remaining;

    public long Remaining => _remaining;

    public void Spend()
    {
        if (--_remaining < 0) throw new CrdtFormatException("Update expands beyond what its size allows");
    }
}

internal sealed class ByteRleDecoder
{
    private readonly Lib0Reader _reader;
    private readonly ReadBudget _budget;
    private byte _state;
    private long _count;

    public ByteRleDecoder(Lib0Reader reader, ReadBudget budget)
    {
        _reader = reader;
        _budget = budget;
    }

    public byte Read()
    {
        _budget.Spend();
        if (_count == 0)
        {
            _state = _reader.ReadByte();
            _count = _reader.HasContent ? _reader.ReadVarUint() + 1 : -1;
        }
        _count--;
        return _state;
    }
}

internal sealed class UintOptRleDecoder
{
    private readonly Lib0Reader _reader;
    private readonly ReadBudget _budget;
    private long _state;
    private long _count;

    public UintOptRleDecoder(Lib0Reader reader, ReadBudget budget)
    {
        _reader = reader;
        _budget = budget;
    }

    public long Read()
    {
        _budget.Spend();
        if (_count == 0)
        {
            var (m, negative) = _reader.ReadVarIntParts();
            _state = m;
            _count = 1;
            if (negative) _count = _reader.ReadVarUint() + 2;
        }
        _count--;
        return _state;
    }
}

internal sealed class IntDiffOptRleDecoder
{
    private readonly Lib0Reader _reader;
    private readonly ReadBudget _budget;
    private long _state;
    private long _count;
    private long _diff;

    public IntDiffOptRleDecoder(Lib0Reader reader, ReadBudget budget)
    {
        _reader = reader;
        _budget = budget;
    }

    public long Read()
    {
        _budget.Spend();
        if (_count == 0)
        {
            var v = _reader.ReadVarInt();
            var hasCount = (v & 1) != 0;
            _diff = v >> 1;
            _count = 1;
            if (hasCount) _count = _reader.ReadVarUint() + 2;
        }
        _state += _diff;
        if (_state < 0 || _state > Lib0Reader.MaxSafeInteger) throw new CrdtFormatException("Clock out of range");
        _count--;
        return _state;
    }
}

internal sealed class StringColumnDecoder
{
    private readonly string _all;
    private readonly UintOptRleDecoder _lengths;
    private int _pos;

    public StringColumnDecoder(Lib0Reader reader, ReadBudget budget)
    {
        _all = reader.ReadVarString();
        _lengths = new UintOptRleDecoder(reader, budget);
    }

    public string Read()
    {
        var len = _lengths.Read();
        if (len > _all.Length - _pos) throw new CrdtFormatException("String column exhausted");
        var s = _all.Substring(_pos, (int)len);
        _pos += (int)len;
        return s;
    }
}
