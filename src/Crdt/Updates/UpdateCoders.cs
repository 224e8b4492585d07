using Vibe.Crdt.Encoding;

namespace Vibe.Crdt.Updates;

/// <summary>Field-level writer of an update; v1 writes everything inline, v2 splits fields into columns.</summary>
public interface IUpdateEncoder
{
    /// <summary>The stream for counts and clocks; replaceable so merged updates can buffer one client block at a time.</summary>
    Lib0Writer Rest { get; set; }
    void WriteLeftId(Id id);
    void WriteRightId(Id id);
    void WriteClient(long client);
    void WriteInfo(byte info);
    void WriteString(string s);
    void WriteParentInfo(bool isYKey);
    void WriteTypeRef(int typeRef);
    void WriteLen(long len);
    void WriteAny(object? value);
    void WriteBuf(byte[] buf);
    void WriteJson(object? value);
    void WriteKey(string key);
    void ResetDsCurVal();
    void WriteDsClock(long clock);
    void WriteDsLen(long len);
    byte[] ToArray();
}

/// <summary>Field-level reader of an update, mirror of <see cref="IUpdateEncoder"/>.</summary>
public interface IUpdateDecoder
{
    Lib0Reader Rest { get; }
    /// <summary>Fewest bytes one delete range can take in the rest stream (to bound counts).</summary>
    int MinDsRangeBytes { get; }
    /// <summary>Largest struct count a client block of this input may claim.</summary>
    long MaxStructCount { get; }
    Id ReadLeftId();
    Id ReadRightId();
    long ReadClient();
    byte ReadInfo();
    string ReadString();
    bool ReadParentInfo();
    int ReadTypeRef();
    long ReadLen();
    object? ReadAny();
    byte[] ReadBuf();
    object? ReadJson();
    string ReadKey();
    void ResetDsCurVal();
    long ReadDsClock();
    long ReadDsLen();
}

public sealed class UpdateEncoderV1 : IUpdateEncoder
{
    public UpdateEncoderV1() : this(new Lib0Writer()) { }

    /// <summary>An encoder writing into <paramref name="rest"/> (a reused buffer).</summary>
    public UpdateEncoderV1(Lib0Writer rest) => Rest = rest;

    public Lib0Writer Rest { get; set; }

    public void WriteLeftId(Id id)
    {
        Rest.WriteVarUint(id.Client);
        Rest.WriteVarUint(id.Clock);
    }

    public void WriteRightId(Id id)
    {
        Rest.WriteVarUint(id.Client);
        Rest.WriteVarUint(id.Clock);
    }

    public void WriteClient(long client) => Rest.WriteVarUint(client);
    public void WriteInfo(byte info) => Rest.WriteByte(info);
    public void WriteString(string s) => Rest.WriteVarString(s);
    public void WriteParentInfo(bool isYKey) => Rest.WriteVarUint(isYKey ? 1UL : 0UL);
    public void WriteTypeRef(int typeRef) => Rest.WriteVarUint((ulong)typeRef);
    public void WriteLen(long len) => Rest.WriteVarUint(len);
    public void WriteAny(object? value) => Rest.WriteAny(value);
    public void WriteBuf(byte[] buf) => Rest.WriteVarBytes(buf);
    public void WriteJson(object? value) => Rest.WriteVarString(value is Undefined ? "undefined" : JsonText.Stringify(value));
    public void WriteKey(string key) => Rest.WriteVarString(key);
    public void ResetDsCurVal() { }
    public void WriteDsClock(long clock) => Rest.WriteVarUint(clock);
    public void WriteDsLen(long len) => Rest.WriteVarUint(len);
    public byte[] ToArray() => Rest.ToArray();
}

public sealed class UpdateDecoderV1 : IUpdateDecoder
{
    public UpdateDecoderV1(Lib0Reader reader) => Rest = reader;

    public Lib0Reader Rest { get; }
    public int MinDsRangeBytes => 2;
    public long MaxStructCount => Rest.Remaining;

    public Id ReadLeftId() => new(Rest.ReadVarUint(), Rest.ReadVarUint());
    public Id ReadRightId() => new(Rest.ReadVarUint(), Rest.ReadVarUint());
    public long ReadClient() => Rest.ReadVarUint();
    public byte ReadInfo() => Rest.ReadByte();
    public string ReadString() => Rest.ReadVarString();
    public bool ReadParentInfo() => Rest.ReadVarUint() == 1;
    public int ReadTypeRef() => Rest.ReadCount();
    public long ReadLen() => Rest.ReadVarUint();
    public object? ReadAny() => Rest.ReadAny();
    public byte[] ReadBuf() => Rest.ReadVarBytes();

    public object? ReadJson()
    {
        var s = Rest.ReadVarString();
        return s == "undefined" ? Undefined.Value : JsonText.Parse(s);
    }

    public string ReadKey() => Rest.ReadVarString();
    public void ResetDsCurVal() { }
    public long ReadDsClock() => Rest.ReadVarUint();
    public long ReadDsLen() => Rest.ReadVarUint();
}
