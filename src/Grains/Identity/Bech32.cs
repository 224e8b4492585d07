namespace Vibe.Grains.Identity;

/// <summary>
/// Bech32 (BIP-173, not bech32m) as NIP-19 uses it for <c>npub</c>/<c>nsec</c>; written from the BIP-173 text.
/// </summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    // NIP-19 keys are short; the cap keeps decoding of hostile input cheap.
    private const int MaxLength = 200;

    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        var values = ConvertBits(data.ToArray(), 8, 5, pad: true)!;
        var checksum = CreateChecksum(hrp, values);
        var chars = new char[hrp.Length + 1 + values.Length + checksum.Length];
        hrp.CopyTo(0, chars, 0, hrp.Length);
        chars[hrp.Length] = '1';
        var i = hrp.Length + 1;
        foreach (var v in values)
        {
            chars[i++] = Charset[v];
        }
        foreach (var v in checksum)
        {
            chars[i++] = Charset[v];
        }
        return new string(chars);
    }

    public static bool TryDecode(string? text, out string hrp, out byte[] data)
    {
        hrp = "";
        data = [];
        if (text is null || text.Length is < 8 or > MaxLength)
        {
            return false;
        }
        bool hasLower = false, hasUpper = false;
        foreach (var c in text)
        {
            if (c is < (char)33 or > (char)126)
            {
                return false;
            }
            hasLower |= c is >= 'a' and <= 'z';
            hasUpper |= c is >= 'A' and <= 'Z';
        }
        if (hasLower && hasUpper)
        {
            return false;
        }
        var lower = text.ToLowerInvariant();
        var separator = lower.LastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.Length)
        {
            return false;
        }
        var values = new byte[lower.Length - separator - 1];
        for (var i = 0; i < values.Length; i++)
        {
            var index = Charset.IndexOf(lower[separator + 1 + i]);
            if (index < 0)
            {
                return false;
            }
            values[i] = (byte)index;
        }
        var prefix = lower[..separator];
        if (Polymod([.. ExpandHrp(prefix), .. values]) != 1)
        {
            return false;
        }
        var bytes = ConvertBits(values.AsSpan(0, values.Length - 6).ToArray(), 5, 8, pad: false);
        if (bytes is null)
        {
            return false;
        }
        hrp = prefix;
        data = bytes;
        return true;
    }

    private static byte[] CreateChecksum(string hrp, byte[] values)
    {
        byte[] input = [.. ExpandHrp(hrp), .. values, 0, 0, 0, 0, 0, 0];
        var mod = Polymod(input) ^ 1;
        var checksum = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            checksum[i] = (byte)((mod >> (5 * (5 - i))) & 31);
        }
        return checksum;
    }

    private static byte[] ExpandHrp(string hrp)
    {
        var result = new byte[hrp.Length * 2 + 1];
        for (var i = 0; i < hrp.Length; i++)
        {
            result[i] = (byte)(hrp[i] >> 5);
            result[hrp.Length + 1 + i] = (byte)(hrp[i] & 31);
        }
        return result;
    }

    private static uint Polymod(ReadOnlySpan<byte> values)
    {
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    chk ^= Generator[i];
                }
            }
        }
        return chk;
    }

    private static byte[]? ConvertBits(byte[] data, int fromBits, int toBits, bool pad)
    {
        var acc = 0;
        var bits = 0;
        var maxValue = (1 << toBits) - 1;
        var maxAcc = (1 << (fromBits + toBits - 1)) - 1;
        var result = new List<byte>(data.Length * fromBits / toBits + 1);
        foreach (var value in data)
        {
            if (value >> fromBits != 0)
            {
                return null;
            }
            acc = ((acc << fromBits) | value) & maxAcc;
            bits += fromBits;
            while (bits >= toBits)
            {
                bits -= toBits;
                result.Add((byte)((acc >> bits) & maxValue));
            }
        }
        if (pad)
        {
            if (bits > 0)
            {
                result.Add((byte)((acc << (toBits - bits)) & maxValue));
            }
        }
        else if (bits >= fromBits || ((acc << (toBits - bits)) & maxValue) != 0)
        {
            return null;
        }
        return [.. result];
    }
}
