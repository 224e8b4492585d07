using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Vibe.Crdt.Encoding;

/// <summary>Growable byte buffer writing lib0's variable-length encodings.</summary>
public sealed class Lib0Writer
{
    private byte[] _buffer;
    private int _length;

    public Lib0Writer(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;

    /// <summary>How many bytes the buffer holds before it grows.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Empties the writer and keeps its buffer, for a writer that is used again.</summary>
    public void Clear() => _length = 0;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        var size = Math.Max(_buffer.Length * 2, _length + extra);
        Array.Resize(ref _buffer, size);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteVarUint(ulong value)
    {
        Ensure(10);
        while (value > 0x7F)
        {
            _buffer[_length++] = (byte)(0x80 | (value & 0x7F));
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    public void WriteVarUint(long value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value));
        WriteVarUint((ulong)value);
    }

    /// <summary>Signed varint: first byte carries continuation, sign and 6 bits; negative zero keeps its sign.</summary>
    public void WriteVarInt(long magnitude, bool negative)
    {
        Ensure(11);
        var first = (byte)((magnitude > 0x3F ? 0x80 : 0) | (negative ? 0x40 : 0) | (int)(magnitude & 0x3F));
        _buffer[_length++] = first;
        magnitude >>= 6;
        while (magnitude > 0)
        {
            _buffer[_length++] = (byte)((magnitude > 0x7F ? 0x80 : 0) | (int)(magnitude & 0x7F));
            magnitude >>= 7;
        }
    }

    public void WriteVarInt(long value) => WriteVarInt(Math.Abs(value), value < 0);

    public void WriteVarString(string value)
    {
        var byteCount = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteVarUint((ulong)byteCount);
        Ensure(byteCount);
        _length += System.Text.Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void WriteVarBytes(ReadOnlySpan<byte> bytes)
    {
        WriteVarUint((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    public void WriteFloat32(float value)
    {
        Ensure(4);
        BinaryPrimitives.WriteSingleBigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteFloat64(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteBigInt64(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>lib0 writeAny: the tag is chosen from the JavaScript type the value stands for.</summary>
    public void WriteAny(object? value)
    {
        switch (value)
        {
            case null:
                WriteByte(126);
                break;
            case Undefined:
                WriteByte(127);
                break;
            case string s:
                WriteByte(119);
                WriteVarString(s);
                break;
            case bool b:
                WriteByte(b ? (byte)120 : (byte)121);
                break;
            case double d:
                WriteNumber(d);
                break;
            case int i:
                WriteNumber(i);
                break;
            case long l when Math.Abs(l) <= (1L << 53):
                WriteNumber(l);
                break;
            case float f:
                WriteNumber(f);
                break;
            case BigInteger big:
                WriteByte(122);
                WriteBigInt64((long)big);
                break;
            case JsBigInt big:
                WriteByte(122);
                WriteBigInt64(big.Value);
                break;
            case byte[] bytes:
                WriteByte(116);
                WriteVarBytes(bytes);
                break;
            case JsObject obj:
                WriteByte(118);
                WriteVarUint((ulong)obj.Count);
                foreach (var (key, item) in obj)
                {
                    WriteVarString(key);
                    WriteAny(item);
                }
                break;
            case System.Collections.IList list:
                WriteByte(117);
                WriteVarUint((ulong)list.Count);
                for (var i = 0; i < list.Count; i++) WriteAny(list[i]);
                break;
            default:
                throw new ArgumentException($"Value of type {value.GetType().Name} cannot be encoded as lib0 any");
        }
    }

    private void WriteNumber(double d)
    {
        if (Math.Floor(d) == d && Math.Abs(d) <= int.MaxValue)
        {
            WriteByte(125);
            WriteVarInt((long)Math.Abs(d), d < 0 || double.IsNegative(d));
        }
        else if ((double)(float)d == d)
        {
            WriteByte(124);
            WriteFloat32((float)d);
        }
        else
        {
            WriteByte(123);
            WriteFloat64(d);
        }
    }
}
