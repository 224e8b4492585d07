using Vibe.Crdt.Encoding;

namespace Vibe.Crdt.Updates;

/// <summary>Update format v2: struct fields go to run-length encoded columns; counts, values and deletes stay in the rest stream.</summary>
public sealed class UpdateEncoderV2 : IUpdateEncoder
{
    private readonly IntDiffOptRleEncoder _keyClock = new();
    private readonly UintOptRleEncoder _client = new();
    private readonly IntDiffOptRleEncoder _leftClock = new();
    private readonly IntDiffOptRleEncoder _rightClock = new();
    private readonly ByteRleEncoder _info = new();
    private readonly StringColumnEncoder _strings = new();
    private readonly ByteRleEncoder _parentInfo = new();
    private readonly UintOptRleEncoder _typeRef = new();
    private readonly UintOptRleEncoder _len = new();
    private long _keyClockValue;
    private long _dsCurrVal;

    public Lib0Writer Rest { get; set; } = new();

    public void WriteLeftId(Id id)
    {
        _client.Write(id.Client);
        _leftClock.Write(id.Clock);
    }

    public void WriteRightId(Id id)
    {
        _client.Write(id.Client);
        _rightClock.Write(id.Clock);
    }

    public void WriteClient(long client) => _client.Write(client);
    public void WriteInfo(byte info) => _info.Write(info);
    public void WriteString(string s) => _strings.Write(s);
    public void WriteParentInfo(bool isYKey) => _parentInfo.Write(isYKey ? (byte)1 : (byte)0);
    public void WriteTypeRef(int typeRef) => _typeRef.Write(typeRef);
    public void WriteLen(long len) => _len.Write(len);
    public void WriteAny(object? value) => Rest.WriteAny(value);
    public void WriteBuf(byte[] buf) => Rest.WriteVarBytes(buf);
    public void WriteJson(object? value) => Rest.WriteAny(value);

    // yjs never reuses key numbers (its key cache is disabled), so every key is written out.
    public void WriteKey(string key)
    {
        _keyClock.Write(_keyClockValue++);
        _strings.Write(key);
    }

    public void ResetDsCurVal() => _dsCurrVal = 0;

    public void WriteDsClock(long clock)
    {
        var diff = clock - _dsCurrVal;
        _dsCurrVal = clock;
        Rest.WriteVarUint(diff);
    }

    public void WriteDsLen(long len)
    {
        if (len <= 0) throw new InvalidOperationException("Delete ranges must not be empty in update v2");
        Rest.WriteVarUint(len - 1);
        _dsCurrVal += len;
    }

    public byte[] ToArray()
    {
        var w = new Lib0Writer();
        w.WriteVarUint(0UL);
        w.WriteVarBytes(_keyClock.ToArray());
        w.WriteVarBytes(_client.ToArray());
        w.WriteVarBytes(_leftClock.ToArray());
        w.WriteVarBytes(_rightClock.ToArray());
        w.WriteVarBytes(_info.ToArray());
        w.WriteVarBytes(_strings.ToArray());
        w.WriteVarBytes(_parentInfo.ToArray());
        w.WriteVarBytes(_typeRef.ToArray());
        w.WriteVarBytes(_len.ToArray());
        w.WriteBytes(Rest.WrittenSpan);
        return w.ToArray();
    }
}

public sealed class UpdateDecoderV2 : IUpdateDecoder
{
    private readonly IntDiffOptRleDecoder _keyClock;
    private readonly UintOptRleDecoder _client;
    private readonly IntDiffOptRleDecoder _leftClock;
    private readonly IntDiffOptRleDecoder _rightClock;
    private readonly ByteRleDecoder _info;
    private readonly StringColumnDecoder _strings;
    private readonly ByteRleDecoder _parentInfo;
    private readonly UintOptRleDecoder _typeRef;
    private readonly UintOptRleDecoder _len;
    private readonly List<string> _keys = new();
    private long _dsCurrVal;

    public UpdateDecoderV2(Lib0Reader reader)
    {
        // Columns may repeat values for free; cap total reads relative to the input size.
        var budget = new ReadBudget(64L * reader.Remaining + 4096);
        reader.ReadVarUint();
        Lib0Reader Column()
        {
            var (offset, length) = reader.ReadVarBytesRange();
            return new Lib0Reader(reader.Data, offset, length);
        }
        _keyClock = new IntDiffOptRleDecoder(Column(), budget);
        _client = new UintOptRleDecoder(Column(), budget);
        _leftClock = new IntDiffOptRleDecoder(Column(), budget);
        _rightClock = new IntDiffOptRleDecoder(Column(), budget);
        _info = new ByteRleDecoder(Column(), budget);
        _strings = new StringColumnDecoder(Column(), budget);
        _parentInfo = new ByteRleDecoder(Column(), budget);
        _typeRef = new UintOptRleDecoder(Column(), budget);
        _len = new UintOptRleDecoder(Column(), budget);
        Rest = reader;
        Budget = budget;
    }

    internal ReadBudget Budget { get; }
    public Lib0Reader Rest { get; }
    public int MinDsRangeBytes => 2;
    public long MaxStructCount => Budget.Remaining;

    public Id ReadLeftId() => new(_client.Read(), _leftClock.Read());
    public Id ReadRightId() => new(_client.Read(), _rightClock.Read());
    public long ReadClient() => _client.Read();
    public byte ReadInfo() => _info.Read();
    public string ReadString() => _strings.Read();
    public bool ReadParentInfo() => _parentInfo.Read() == 1;

    public int ReadTypeRef()
    {
        var v = _typeRef.Read();
        if (v > int.MaxValue) throw new CrdtFormatException("Type ref out of range");
        return (int)v;
    }

    public long ReadLen() => _len.Read();
    public object? ReadAny() => Rest.ReadAny();
    public byte[] ReadBuf() => Rest.ReadVarBytes();
    public object? ReadJson() => Rest.ReadAny();

    public string ReadKey()
    {
        var keyClock = _keyClock.Read();
        if (keyClock < _keys.Count) return _keys[(int)keyClock];
        var key = _strings.Read();
        _keys.Add(key);
        return key;
    }

    public void ResetDsCurVal() => _dsCurrVal = 0;

    public long ReadDsClock()
    {
        _dsCurrVal += Rest.ReadVarUint();
        if (_dsCurrVal > Lib0Reader.MaxSafeInteger) throw new CrdtFormatException("Clock out of range");
        return _dsCurrVal;
    }

    public long ReadDsLen()
    {
        var diff = Rest.ReadVarUint() + 1;
        _dsCurrVal += diff;
        return diff;
    }
}
