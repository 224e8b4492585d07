using System.Buffers.Binary;
using System.Text;

namespace Vibe.Crdt.Encoding;

/// <summary>Bounds-checked reader of lib0 encodings; every malformed input ends in <see cref="CrdtFormatException"/>.</summary>
public sealed class Lib0Reader
{
    /// <summary>Largest integer JavaScript represents exactly; lib0 refuses anything above it.</summary>
    public const long MaxSafeInteger = (1L << 53) - 1;

    /// <summary>Nesting limit for lib0 any values so hostile input cannot exhaust the stack.</summary>
    public const int MaxAnyDepth = 200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly int _end;
    private int _pos;

    public Lib0Reader(byte[] data) : this(data, 0, data.Length) { }

    public Lib0Reader(byte[] data, int offset, int count)
    {
        _data = data;
        _pos = offset;
        _end = offset + count;
    }

    public int Position => _pos;

    public int Remaining => _end - _pos;

    public bool HasContent => _pos < _end;

    private static CrdtFormatException Truncated() => new("Unexpected end of data");

    public byte ReadByte()
    {
        if (_pos >= _end) throw Truncated();
        return _data[_pos++];
    }

    public ulong ReadVarUint64()
    {
        ulong num = 0;
        var shift = 0;
        while (_pos < _end)
        {
            var r = _data[_pos++];
            num |= (ulong)(r & 0x7F) << shift;
            if (r < 0x80)
            {
                if (num > MaxSafeInteger) throw new CrdtFormatException("Integer out of range");
                return num;
            }
            shift += 7;
            if (shift > 53) throw new CrdtFormatException("Integer out of range");
        }
        throw Truncated();
    }

    public long ReadVarUint() => (long)ReadVarUint64();

    /// <summary>Reads a varuint that must fit a 32-bit count (lengths, collection sizes).</summary>
    public int ReadCount()
    {
        var n = ReadVarUint();
        if (n > int.MaxValue) throw new CrdtFormatException("Count out of range");
        return (int)n;
    }

    /// <summary>Reads a count of items each taking at least one byte, rejecting counts the remaining input cannot hold.</summary>
    public int ReadBoundedCount(int minBytesPerItem = 1)
    {
        var n = ReadVarUint();
        if (n > Remaining / Math.Max(1, minBytesPerItem)) throw new CrdtFormatException("Count exceeds the remaining input");
        return (int)n;
    }

    public (long Magnitude, bool Negative) ReadVarIntParts()
    {
        var r = ReadByte();
        long num = r & 0x3F;
        var negative = (r & 0x40) != 0;
        if ((r & 0x80) == 0) return (num, negative);
        var shift = 6;
        while (_pos < _end)
        {
            r = _data[_pos++];
            num |= (long)(r & 0x7F) << shift;
            if (r < 0x80)
            {
                if (num > MaxSafeInteger) throw new CrdtFormatException("Integer out of range");
                return (num, negative);
            }
            shift += 7;
            if (shift > 53) throw new CrdtFormatException("Integer out of range");
        }
        throw Truncated();
    }

    public long ReadVarInt()
    {
        var (m, neg) = ReadVarIntParts();
        return neg ? -m : m;
    }

    public ReadOnlySpan<byte> ReadSpan(int length)
    {
        if (length < 0 || length > Remaining) throw Truncated();
        var span = new ReadOnlySpan<byte>(_data, _pos, length);
        _pos += length;
        return span;
    }

    public byte[] ReadVarBytes()
    {
        var len = ReadVarUint();
        if (len > Remaining) throw new CrdtFormatException("Length prefix exceeds the remaining input");
        return ReadSpan((int)len).ToArray();
    }

    /// <summary>Returns the byte range of a length-prefixed buffer without copying it.</summary>
    public (int Offset, int Length) ReadVarBytesRange()
    {
        var len = ReadVarUint();
        if (len > Remaining) throw new CrdtFormatException("Length prefix exceeds the remaining input");
        var start = _pos;
        _pos += (int)len;
        return (start, (int)len);
    }

    public byte[] Data => _data;

    public string ReadVarString()
    {
        var len = ReadVarUint();
        if (len > Remaining) throw new CrdtFormatException("String length exceeds the remaining input");
        if (len == 0) return string.Empty;
        try
        {
            var s = StrictUtf8.GetString(_data, _pos, (int)len);
            _pos += (int)len;
            return s;
        }
        catch (DecoderFallbackException e)
        {
            throw new CrdtFormatException("String is not valid UTF-8", e);
        }
    }

    public float ReadFloat32() => BinaryPrimitives.ReadSingleBigEndian(ReadSpan(4));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(ReadSpan(8));

    public long ReadBigInt64() => BinaryPrimitives.ReadInt64BigEndian(ReadSpan(8));

    public object? ReadAny() => ReadAny(0);

    private object? ReadAny(int depth)
    {
        if (depth > MaxAnyDepth) throw new CrdtFormatException("Value nesting too deep");
        var tag = ReadByte();
        switch (tag)
        {
            case 127: return Undefined.Value;
            case 126: return null;
            case 125:
            {
                var (m, neg) = ReadVarIntParts();
                return neg ? -(double)m : (double)m;
            }
            case 124: return (double)ReadFloat32();
            case 123: return ReadFloat64();
            case 122: return new JsBigInt(ReadBigInt64());
            case 121: return false;
            case 120: return true;
            case 119: return ReadVarString();
            case 118:
            {
                var count = ReadBoundedCount(2);
                var obj = new JsObject();
                for (var i = 0; i < count; i++)
                {
                    var key = ReadVarString();
                    obj[key] = ReadAny(depth + 1);
                }
                return obj;
            }
            case 117:
            {
                var count = ReadBoundedCount(1);
                var list = new List<object?>(count);
                for (var i = 0; i < count; i++) list.Add(ReadAny(depth + 1));
                return list;
            }
            case 116: return ReadVarBytes();
            default: throw new CrdtFormatException($"Unknown value tag {tag}");
        }
    }
}
