namespace Vibe.Crdt.Interop.Tests.Fuzz;

/// <summary>Byte-level mutations aimed at lib0/Yjs decoders: cut, flipped, lying lengths, absurd counts, spliced.</summary>
public sealed class Mutator(Random rng)
{
    private static byte[] VarUint(ulong v)
    {
        var list = new List<byte>();
        while (v > 0x7f)
        {
            list.Add((byte)(0x80 | (v & 0x7f)));
            v >>= 7;
        }
        list.Add((byte)v);
        return list.ToArray();
    }

    private static int VarUintLength(byte[] b, int pos)
    {
        var i = pos;
        while (i < b.Length && (b[i] & 0x80) != 0) i++;
        return Math.Min(b.Length, i + 1) - pos;
    }

    private static byte[] Splice(byte[] b, int pos, int remove, byte[] insert)
    {
        var r = new byte[b.Length - remove + insert.Length];
        b.AsSpan(0, pos).CopyTo(r);
        insert.CopyTo(r, pos);
        b.AsSpan(pos + remove).CopyTo(r.AsSpan(pos + insert.Length));
        return r;
    }

    private ulong Absurd() => rng.Next(6) switch
    {
        0 => ulong.MaxValue,
        1 => (1UL << 53) - 1,
        2 => 1UL << rng.Next(7, 64),
        3 => (ulong)int.MaxValue + (ulong)rng.Next(3),
        4 => (ulong)rng.Next(1000, 1 << 24),
        _ => (1UL << 32) - 1,
    };

    public byte[] Mutate(byte[] input, Func<byte[]> other)
    {
        var b = input;
        for (var rounds = 1 + (rng.Next(4) == 0 ? rng.Next(3) : 0); rounds > 0; rounds--)
        {
            if (b.Length == 0) return RandomBytes();
            var pos = rng.Next(b.Length);
            switch (rng.Next(11))
            {
                case 0: b = b[..rng.Next(b.Length)]; break;
                case 1:
                {
                    b = (byte[])b.Clone();
                    for (var i = 1 + rng.Next(4); i > 0; i--) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                    break;
                }
                case 2:
                {
                    b = (byte[])b.Clone();
                    for (var i = 1 + rng.Next(4); i > 0; i--) b[rng.Next(b.Length)] = (byte)rng.Next(256);
                    break;
                }
                case 3:
                {
                    var ins = new byte[1 + rng.Next(8)];
                    rng.NextBytes(ins);
                    b = Splice(b, pos, 0, ins);
                    break;
                }
                case 4: b = Splice(b, pos, Math.Min(b.Length - pos, 1 + rng.Next(16)), []); break;
                case 5 or 6: b = Splice(b, pos, VarUintLength(b, pos), VarUint(Absurd())); break;
                case 7:
                {
                    // Nudge a number by a little: wrong content refs, clocks, lengths and references to unknown structs.
                    var len = VarUintLength(b, pos);
                    ulong v = 0;
                    for (var i = len - 1; i >= 0; i--) v = (v << 7) | (uint)(b[pos + i] & 0x7f);
                    var nv = rng.Next(2) == 0 ? v + (ulong)rng.Next(1, 20) : v - Math.Min(v, (ulong)rng.Next(1, 20));
                    b = Splice(b, pos, len, VarUint(nv));
                    break;
                }
                case 8:
                {
                    var o = other();
                    b = [.. b.AsSpan(0, pos), .. o.AsSpan(rng.Next(o.Length + 1))];
                    break;
                }
                case 9:
                {
                    var len = Math.Min(b.Length - pos, 1 + rng.Next(32));
                    b = Splice(b, pos, 0, b.AsSpan(pos, len).ToArray());
                    break;
                }
                default:
                {
                    b = (byte[])b.Clone();
                    b[pos] = (byte)(rng.Next(3) switch { 0 => 0xff, 1 => 0, _ => 0x80 });
                    break;
                }
            }
        }
        return b;
    }

    public byte[] RandomBytes()
    {
        var b = new byte[rng.Next(rng.Next(4) == 0 ? 512 : 48)];
        rng.NextBytes(b);
        if (b.Length > 0 && rng.Next(2) == 0) b[0] = (byte)rng.Next(4);
        return b;
    }

    /// <summary>Update-shaped garbage: plausible headers (client and struct counts, clocks, info bytes) followed by random numbers and strings.</summary>
    public byte[] Structured(bool v2)
    {
        var o = new List<byte>();
        if (v2) o.Add(0);
        var clients = rng.Next(3);
        o.AddRange(VarUint((ulong)(rng.Next(8) == 0 ? Absurd() : (ulong)clients)));
        for (var c = 0; c < clients; c++)
        {
            var structs = 1 + rng.Next(3);
            o.AddRange(VarUint(rng.Next(8) == 0 ? Absurd() : (ulong)structs));
            o.AddRange(VarUint((ulong)rng.Next(1, 10)));
            o.AddRange(VarUint((ulong)rng.Next(0, 5)));
            for (var s = 0; s < structs; s++)
            {
                o.Add((byte)(rng.Next(2) == 0 ? rng.Next(256) : (rng.Next(4) << 6) | rng.Next(0, 12)));
                for (var k = rng.Next(6); k > 0; k--)
                {
                    if (rng.Next(3) == 0)
                    {
                        var str = "root"u8.ToArray();
                        o.AddRange(VarUint((ulong)(rng.Next(5) == 0 ? Absurd() : (ulong)str.Length)));
                        o.AddRange(str);
                    }
                    else o.AddRange(VarUint(rng.Next(6) == 0 ? Absurd() : (ulong)rng.Next(20)));
                }
            }
        }
        for (var k = rng.Next(6); k > 0; k--) o.AddRange(VarUint(rng.Next(5) == 0 ? Absurd() : (ulong)rng.Next(10)));
        return o.ToArray();
    }
}
