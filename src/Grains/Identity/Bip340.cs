using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Utilities;
using ECCurve = Org.BouncyCastle.Math.EC.ECCurve;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Vibe.Grains.Identity;

/// <summary>
/// BIP-340 Schnorr signatures over secp256k1, following the algorithm text of
/// https://github.com/bitcoin/bips/blob/master/bip-0340.mediawiki (messages of any length).
/// Curve and field arithmetic are BouncyCastle's (its specialised secp256k1 implementation, with the GLV
/// endomorphism, is several times faster than the generic curve from SecNamedCurves); this class only encodes the BIP's steps.
/// </summary>
public static class Bip340
{
    private static readonly X9ECParameters Secp256k1 = Org.BouncyCastle.Crypto.EC.CustomNamedCurves.GetByName("secp256k1");
    private static readonly ECCurve Curve = Secp256k1.Curve;
    private static readonly ECPoint G = Secp256k1.G;
    private static readonly BigInteger N = Secp256k1.N;
    private static readonly BigInteger P = Curve.Field.Characteristic;

    // SHA256(tag) || SHA256(tag), computed once per tag as the BIP suggests.
    private static readonly byte[] ChallengePrefix = TagPrefix("BIP0340/challenge");
    private static readonly byte[] AuxPrefix = TagPrefix("BIP0340/aux");
    private static readonly byte[] NoncePrefix = TagPrefix("BIP0340/nonce");

    /// <summary>
    /// BIP-340 Verify(pk, m, sig). Returns false (never throws) for wrong lengths, a public key that is not
    /// an x coordinate on the curve, r ≥ p, s ≥ n, or a signature that does not check.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> publicKeyX32, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature64)
    {
        if (publicKeyX32.Length != 32 || signature64.Length != 64)
        {
            return false;
        }
        var publicPoint = LiftX(ToInteger(publicKeyX32));
        if (publicPoint is null)
        {
            return false;
        }
        var r = ToInteger(signature64[..32]);
        if (r.CompareTo(P) >= 0)
        {
            return false;
        }
        var s = ToInteger(signature64[32..]);
        if (s.CompareTo(N) >= 0)
        {
            return false;
        }
        var e = ToInteger(TaggedHash(ChallengePrefix, signature64[..32], publicKeyX32, message)).Mod(N);

        // R = s⋅G − e⋅P, computed as one interleaved multiplication.
        var rPoint = ECAlgorithms.SumOfTwoMultiplies(G, s, publicPoint.Negate(), e).Normalize();
        if (rPoint.IsInfinity)
        {
            return false;
        }
        if (rPoint.AffineYCoord.TestBitZero())
        {
            return false;
        }
        return rPoint.AffineXCoord.ToBigInteger().Equals(r);
    }

    /// <summary>
    /// BIP-340 default signing with auxiliary randomness <paramref name="auxRand32"/> (pass fresh random bytes;
    /// the test vectors pass fixed ones). Throws <see cref="ArgumentException"/> for an invalid secret key or lengths.
    /// </summary>
    public static byte[] Sign(ReadOnlySpan<byte> privateKey32, ReadOnlySpan<byte> message, ReadOnlySpan<byte> auxRand32)
    {
        if (auxRand32.Length != 32)
        {
            throw new ArgumentException("BIP-340 auxiliary randomness is 32 bytes.", nameof(auxRand32));
        }
        var dPrime = PrivateScalar(privateKey32);
        var publicPoint = G.Multiply(dPrime).Normalize();
        var d = publicPoint.AffineYCoord.TestBitZero() ? N.Subtract(dPrime) : dPrime;
        var publicKey = ToBytes32(publicPoint.AffineXCoord.ToBigInteger());

        var t = ToBytes32(d);
        var auxHash = TaggedHash(AuxPrefix, auxRand32, [], []);
        for (var i = 0; i < 32; i++)
        {
            t[i] ^= auxHash[i];
        }
        var rand = TaggedHash(NoncePrefix, t, publicKey, message);
        var kPrime = ToInteger(rand).Mod(N);
        if (kPrime.SignValue == 0)
        {
            throw new CryptographicException("BIP-340 nonce is zero; retry with other auxiliary randomness.");
        }
        var rPoint = G.Multiply(kPrime).Normalize();
        var k = rPoint.AffineYCoord.TestBitZero() ? N.Subtract(kPrime) : kPrime;
        var rBytes = ToBytes32(rPoint.AffineXCoord.ToBigInteger());
        var e = ToInteger(TaggedHash(ChallengePrefix, rBytes, publicKey, message)).Mod(N);

        var signature = new byte[64];
        rBytes.CopyTo(signature, 0);
        ToBytes32(k.Add(e.Multiply(d)).Mod(N)).CopyTo(signature, 32);

        // The BIP recommends checking the result so a computation fault never publishes a key-leaking signature.
        if (!Verify(publicKey, message, signature))
        {
            throw new CryptographicException("BIP-340 signature failed its own verification.");
        }
        return signature;
    }

    /// <summary>BIP-340 PubKey(sk): the 32-byte x coordinate of sk⋅G. Throws <see cref="ArgumentException"/> for an invalid key.</summary>
    public static byte[] PublicKey(ReadOnlySpan<byte> privateKey32) =>
        ToBytes32(G.Multiply(PrivateScalar(privateKey32)).Normalize().AffineXCoord.ToBigInteger());

    /// <summary>True when the 32 bytes are a secret key in 1..n-1.</summary>
    public static bool IsValidPrivateKey(ReadOnlySpan<byte> privateKey32)
    {
        if (privateKey32.Length != 32)
        {
            return false;
        }
        var d = ToInteger(privateKey32);
        return d.SignValue > 0 && d.CompareTo(N) < 0;
    }

    /// <summary>True when the 32 bytes are the x coordinate of a curve point (lift_x succeeds).</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKeyX32) =>
        publicKeyX32.Length == 32 && LiftX(ToInteger(publicKeyX32)) is not null;

    /// <summary>BIP-340 hash_tag(x) = SHA256(SHA256(tag) || SHA256(tag) || x).</summary>
    public static byte[] TaggedHash(string tag, ReadOnlySpan<byte> data) => TaggedHash(TagPrefix(tag), data, [], []);

    private static BigInteger PrivateScalar(ReadOnlySpan<byte> privateKey32)
    {
        if (!IsValidPrivateKey(privateKey32))
        {
            throw new ArgumentException("A BIP-340 secret key is 32 bytes encoding an integer in 1..n-1.", nameof(privateKey32));
        }
        return ToInteger(privateKey32);
    }

    // lift_x: the point with this x and an even y, or null when x ≥ p or x is not on the curve.
    // BouncyCastle's field square root returns null when c = x³ + 7 is not a square, which is the BIP's y² ≠ c check.
    private static ECPoint? LiftX(BigInteger x)
    {
        if (x.CompareTo(P) >= 0)
        {
            return null;
        }
        var xElement = Curve.FromBigInteger(x);
        var c = xElement.Square().Multiply(xElement).Add(Curve.B);
        var y = c.Sqrt();
        if (y is null)
        {
            return null;
        }
        if (y.TestBitZero())
        {
            y = y.Negate();
        }
        return Curve.CreatePoint(x, y.ToBigInteger());
    }

    private static byte[] TaggedHash(byte[] prefix, ReadOnlySpan<byte> part1, ReadOnlySpan<byte> part2, ReadOnlySpan<byte> part3)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(prefix);
        hash.AppendData(part1);
        hash.AppendData(part2);
        hash.AppendData(part3);
        return hash.GetHashAndReset();
    }

    private static byte[] TagPrefix(string tag)
    {
        var tagHash = SHA256.HashData(Encoding.UTF8.GetBytes(tag));
        return [.. tagHash, .. tagHash];
    }

    private static BigInteger ToInteger(ReadOnlySpan<byte> bigEndian) => new(1, bigEndian.ToArray());

    private static byte[] ToBytes32(BigInteger value) => BigIntegers.AsUnsignedByteArray(32, value);
}
