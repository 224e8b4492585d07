using System.Security.Cryptography;

namespace Vibe.Grains.Identity;

/// <summary>
/// Creates and signs NIP-01 events with one secret key. Meant for test clients, tools and benchmarks:
/// the server never holds users' keys.
/// </summary>
public sealed class NostrEventSigner
{
    private readonly byte[] _privateKey;

    /// <summary>Signs with <paramref name="privateKey32"/>; throws <see cref="ArgumentException"/> when it is not a valid secret key.</summary>
    public NostrEventSigner(ReadOnlySpan<byte> privateKey32)
    {
        PublicKey = Bip340.PublicKey(privateKey32);
        _privateKey = privateKey32.ToArray();
        PublicKeyHex = NostrKeys.ToHex(PublicKey);
    }

    /// <summary>A signer with a fresh random key.</summary>
    public static NostrEventSigner Generate() => new(NostrKeys.GeneratePrivateKey());

    /// <summary>The 32-byte BIP-340 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The public key as 64 lowercase hex characters, as events carry it.</summary>
    public string PublicKeyHex { get; }

    /// <summary>Signs an event created at <paramref name="createdAt"/> (truncated to whole seconds) with fresh auxiliary randomness.</summary>
    public NostrEvent Sign(int kind, IEnumerable<IEnumerable<string>> tags, string content, DateTimeOffset createdAt)
    {
        Span<byte> auxRand = stackalloc byte[32];
        RandomNumberGenerator.Fill(auxRand);
        return Sign(kind, tags, content, createdAt.ToUnixTimeSeconds(), auxRand);
    }

    /// <summary>Signs deterministically with the given auxiliary randomness, so tests can pin an exact signature.</summary>
    public NostrEvent Sign(int kind, IEnumerable<IEnumerable<string>> tags, string content, long createdAtUnixSeconds, ReadOnlySpan<byte> auxRand32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kind);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(kind, NostrEvent.MaxKind);
        ArgumentOutOfRangeException.ThrowIfNegative(createdAtUnixSeconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(createdAtUnixSeconds, NostrEvent.MaxCreatedAt);
        ArgumentNullException.ThrowIfNull(content);
        IReadOnlyList<IReadOnlyList<string>> frozenTags = tags.Select(tag => (IReadOnlyList<string>)tag.ToArray()).ToArray();
        if (frozenTags.Any(tag => tag.Count == 0))
        {
            throw new ArgumentException("A tag has at least a name.", nameof(tags));
        }
        var id = NostrEvent.ComputeId(PublicKeyHex, createdAtUnixSeconds, kind, frozenTags, content);
        var signature = Bip340.Sign(_privateKey, Convert.FromHexString(id), auxRand32);
        return new NostrEvent(id, PublicKeyHex, createdAtUnixSeconds, kind, frozenTags, content, NostrKeys.ToHex(signature));
    }
}
