using System.Security.Cryptography;

namespace Vibe.Grains.Identity;

/// <summary>
/// Key and hex helpers for Nostr identities: strict lowercase hex (as NIP-01 requires on the wire),
/// NIP-19 <c>npub</c>/<c>nsec</c> bech32 encoding for display, and secret key generation.
/// </summary>
public static class NostrKeys
{
    /// <summary>Lowercase hex of <paramref name="bytes"/>.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>
    /// Decodes lowercase hex of exactly <paramref name="byteLength"/> bytes; uppercase, odd length,
    /// whitespace or any other character fail, so one key has exactly one accepted spelling.
    /// </summary>
    public static bool TryDecodeHex(string? hex, int byteLength, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || byteLength < 0 || hex.Length != byteLength * 2 || !IsLowerHex(hex))
        {
            return false;
        }
        bytes = Convert.FromHexString(hex);
        return true;
    }

    /// <summary>Decodes lowercase hex of exactly <paramref name="byteLength"/> bytes or throws <see cref="FormatException"/>.</summary>
    public static byte[] DecodeHex(string hex, int byteLength) =>
        TryDecodeHex(hex, byteLength, out var bytes)
            ? bytes
            : throw new FormatException($"Expected {byteLength * 2} lowercase hex characters.");

    /// <summary>True when every character is 0-9 or a-f (the empty string included).</summary>
    public static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True for 64 lowercase hex characters naming a valid BIP-340 public key (an x coordinate on the curve).</summary>
    public static bool IsValidPublicKeyHex(string? hex) =>
        TryDecodeHex(hex, 32, out var bytes) && Bip340.IsValidPublicKey(bytes);

    /// <summary>A fresh random secret key in 1..n-1.</summary>
    public static byte[] GeneratePrivateKey()
    {
        var key = new byte[32];
        do
        {
            RandomNumberGenerator.Fill(key);
        }
        while (!Bip340.IsValidPrivateKey(key));
        return key;
    }

    /// <summary>NIP-19 <c>npub1…</c> for a 32-byte public key.</summary>
    public static string ToNpub(ReadOnlySpan<byte> publicKeyX32) => EncodeKey("npub", publicKeyX32);

    /// <summary>NIP-19 <c>npub1…</c> for a public key given as lowercase hex.</summary>
    public static string ToNpub(string publicKeyHex) => EncodeKey("npub", DecodeHex(publicKeyHex, 32));

    /// <summary>NIP-19 <c>nsec1…</c> for a 32-byte secret key (tools only; never log it).</summary>
    public static string ToNsec(ReadOnlySpan<byte> privateKey32) => EncodeKey("nsec", privateKey32);

    /// <summary>Decodes an <c>npub1…</c> string to the public key's lowercase hex.</summary>
    public static bool TryDecodeNpub(string? npub, out string publicKeyHex)
    {
        publicKeyHex = "";
        if (!Bech32.TryDecode(npub, out var hrp, out var data) || hrp != "npub" || data.Length != 32)
        {
            return false;
        }
        publicKeyHex = ToHex(data);
        return true;
    }

    /// <summary>Decodes an <c>nsec1…</c> string to the 32-byte secret key.</summary>
    public static bool TryDecodeNsec(string? nsec, out byte[] privateKey32)
    {
        privateKey32 = [];
        if (!Bech32.TryDecode(nsec, out var hrp, out var data) || hrp != "nsec" || data.Length != 32)
        {
            return false;
        }
        privateKey32 = data;
        return true;
    }

    private static string EncodeKey(string hrp, ReadOnlySpan<byte> key32)
    {
        if (key32.Length != 32)
        {
            throw new ArgumentException("A key is 32 bytes.", nameof(key32));
        }
        return Bech32.Encode(hrp, key32);
    }
}
