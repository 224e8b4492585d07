using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Vibe.Grains.Identity;
using Vibe.Grains.Projects;

namespace Vibe.Web.Preview;

/// <summary>
/// Tokens that let one user into one project's preview on the preview origin (docs/preview.md, Access).
/// A session token is not accepted there: the preview origin runs the project's own code, so what it
/// sees must not be able to act on the IDE. A token is url-safe base64 of <c>version(1) ‖ expiry unix
/// seconds(8, big-endian) ‖ pubkey(32) ‖ project id (UTF-8) ‖ HMAC-SHA256(key, the preceding bytes)</c>,
/// stateless like <see cref="SessionTokens"/>, with a key derived from the session key so the two kinds
/// can never be taken for each other.
/// </summary>
public sealed class PreviewTokens
{
    const byte Version = 1;
    const int HeaderLength = 1 + 8 + 32;
    const int MacLength = 32;
    // A project id is a short slug; anything longer is not a token of ours and is refused before decoding.
    const int MaxTokenLength = 256;

    readonly byte[] _key;
    readonly TimeProvider _time;

    public PreviewTokens(ReadOnlySpan<byte> sessionKey, TimeProvider? time = null)
    {
        if (sessionKey.Length != SessionTokens.KeyLength)
            throw new ArgumentException($"The session key is {SessionTokens.KeyLength} bytes.", nameof(sessionKey));
        _key = HMACSHA256.HashData(sessionKey, "vibe preview token v1"u8);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A token for <paramref name="pubKeyHex"/> into <paramref name="projectId"/>'s preview, valid for <paramref name="lifetime"/>.</summary>
    public IssuedSessionToken Issue(string projectId, string pubKeyHex, TimeSpan lifetime)
    {
        if (!ProjectRules.IsValidId(projectId))
            throw new ArgumentException("Not a project id.", nameof(projectId));
        if (!NostrKeys.TryDecodeHex(pubKeyHex, 32, out var pubKey))
            throw new ArgumentException("A pubkey is 64 lowercase hex characters.", nameof(pubKeyHex));
        if (lifetime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A lifetime must be positive.");
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((_time.GetUtcNow() + lifetime).ToUnixTimeSeconds());
        var project = Encoding.UTF8.GetBytes(projectId);
        var bytes = new byte[HeaderLength + project.Length + MacLength];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1, 8), expiresAt.ToUnixTimeSeconds());
        pubKey.CopyTo(bytes.AsSpan(9, 32));
        project.CopyTo(bytes.AsSpan(HeaderLength));
        var signed = bytes.Length - MacLength;
        HMACSHA256.HashData(_key, bytes.AsSpan(0, signed), bytes.AsSpan(signed));
        return new IssuedSessionToken(Base64Url.EncodeToString(bytes), expiresAt);
    }

    /// <summary>True when <paramref name="token"/> is ours, unexpired and for <paramref name="projectId"/>; never throws.</summary>
    public bool TryValidate(string? token, string projectId, out string pubKeyHex)
    {
        pubKeyHex = "";
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
            return false;
        foreach (var c in token)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
                return false;
        }
        var bytes = new byte[Base64Url.GetMaxDecodedLength(token.Length)];
        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token.Length || written <= HeaderLength + MacLength)
            return false;
        var data = bytes.AsSpan(0, written);
        // One spelling per token: re-encoding rejects non-zero trailing bits that lenient decoders accept.
        if (!string.Equals(Base64Url.EncodeToString(data), token, StringComparison.Ordinal))
            return false;
        var signed = written - MacLength;
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, data[..signed], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, data[signed..]) || data[0] != Version)
            return false;
        var expiry = BinaryPrimitives.ReadInt64BigEndian(data[1..9]);
        if (expiry <= _time.GetUtcNow().ToUnixTimeSeconds())
            return false;
        if (!string.Equals(Encoding.UTF8.GetString(data[HeaderLength..signed]), projectId, StringComparison.Ordinal))
            return false;
        pubKeyHex = NostrKeys.ToHex(data[9..HeaderLength]);
        return true;
    }
}
