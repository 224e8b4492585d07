using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Vibe.Grains.Identity;

/// <summary>A bearer token and the moment it stops being accepted.</summary>
public readonly record struct IssuedSessionToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>
/// Short-lived bearer tokens for a pubkey, issued after a NIP-98 login so each later request need not carry a
/// signed event. A token is url-safe base64 of <c>version(1) ‖ expiry unix seconds(8, big-endian) ‖ pubkey(32) ‖
/// HMAC-SHA256(key, the preceding 41 bytes)</c>; it is stateless, so every node holding the key can check it.
/// </summary>
public sealed class SessionTokens
{
    /// <summary>Key length in bytes.</summary>
    public const int KeyLength = 32;

    private const byte Version = 1;
    private const int PayloadLength = 1 + 8 + 32;
    private const int TokenBytes = PayloadLength + 32;

    // Unpadded url-safe base64 of 73 bytes.
    private const int TokenLength = (TokenBytes * 4 + 2) / 3;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Issues and checks tokens with <paramref name="key32"/> (see <see cref="GenerateKey"/>); expiry is judged by <paramref name="time"/>.</summary>
    public SessionTokens(ReadOnlySpan<byte> key32, TimeProvider? time = null)
    {
        if (key32.Length != KeyLength)
        {
            throw new ArgumentException($"A session token key is {KeyLength} bytes.", nameof(key32));
        }
        _key = key32.ToArray();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A fresh random 32-byte key.</summary>
    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(KeyLength);

    /// <summary>
    /// A token for <paramref name="pubKeyHex"/> (64 lowercase hex) valid for <paramref name="lifetime"/> from now,
    /// rounded down to whole seconds. Throws <see cref="ArgumentException"/> for a malformed pubkey or non-positive lifetime.
    /// </summary>
    public IssuedSessionToken Issue(string pubKeyHex, TimeSpan lifetime)
    {
        if (!NostrKeys.TryDecodeHex(pubKeyHex, 32, out var pubKey))
        {
            throw new ArgumentException("A pubkey is 64 lowercase hex characters.", nameof(pubKeyHex));
        }
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A session lifetime must be positive.");
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((_time.GetUtcNow() + lifetime).ToUnixTimeSeconds());

        Span<byte> token = stackalloc byte[TokenBytes];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token[1..9], expiresAt.ToUnixTimeSeconds());
        pubKey.CopyTo(token[9..PayloadLength]);
        HMACSHA256.HashData(_key, token[..PayloadLength], token[PayloadLength..]);
        return new IssuedSessionToken(Base64Url.EncodeToString(token), expiresAt);
    }

    /// <summary>True when <paramref name="token"/> was issued with this key and has not expired; never throws.</summary>
    public bool TryValidate(string? token, out string pubKeyHex) => TryValidate(token, out pubKeyHex, out _);

    /// <summary>As <see cref="TryValidate(string?, out string)"/>, also giving the token's expiry.</summary>
    public bool TryValidate(string? token, out string pubKeyHex, out DateTimeOffset expiresAt)
    {
        pubKeyHex = "";
        expiresAt = default;
        if (token is null || token.Length != TokenLength || !IsBase64UrlAlphabet(token))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[TokenBytes];
        // The status-returning decoder: TryDecodeFromChars throws on some invalid input instead of returning false.
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written != TokenBytes)
        {
            return false;
        }
        // Re-encoding rejects the alternative spellings that lenient decoders accept (non-zero trailing bits).
        if (!string.Equals(Base64Url.EncodeToString(bytes), token, StringComparison.Ordinal))
        {
            return false;
        }
        Span<byte> expectedMac = stackalloc byte[32];
        HMACSHA256.HashData(_key, bytes[..PayloadLength], expectedMac);
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, bytes[PayloadLength..]))
        {
            return false;
        }
        if (bytes[0] != Version)
        {
            return false;
        }
        var expiry = BinaryPrimitives.ReadInt64BigEndian(bytes[1..9]);
        if (expiry < 0 || expiry > NostrEvent.MaxCreatedAt || _time.GetUtcNow().ToUnixTimeSeconds() >= expiry)
        {
            return false;
        }
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiry);
        pubKeyHex = NostrKeys.ToHex(bytes[9..PayloadLength]);
        return true;
    }

    // Only the url-safe alphabet: no padding, no whitespace, one spelling per token.
    private static bool IsBase64UrlAlphabet(string text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
