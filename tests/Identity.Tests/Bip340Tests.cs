using Vibe.Grains.Identity;

namespace Vibe.Identity.Tests;

public sealed class Bip340Tests
{
    public sealed record Vector(int Index, string SecretKey, string PublicKey, string AuxRand, string Message, string Signature, bool Valid, string Comment)
    {
        public override string ToString() => $"#{Index} {Comment}";
    }

    // The official vectors from bitcoin/bips bip-0340/test-vectors.csv (see TestData/README.md).
    public static TheoryData<Vector> Vectors()
    {
        var data = new TheoryData<Vector>();
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "bip340-test-vectors.csv"));
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split(',', 8);
            data.Add(new Vector(int.Parse(f[0]), f[1], f[2], f[3], f[4], f[5], f[6] == "TRUE", f[7]));
        }
        return data;
    }

    [Fact]
    public void All_nineteen_official_vectors_are_loaded()
    {
        Assert.Equal(19, Vectors().Count);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verification_matches_the_official_vector(Vector vector)
    {
        var ok = Bip340.Verify(Convert.FromHexString(vector.PublicKey), Convert.FromHexString(vector.Message), Convert.FromHexString(vector.Signature));
        Assert.Equal(vector.Valid, ok);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signing_reproduces_the_official_vector(Vector vector)
    {
        if (vector.SecretKey.Length == 0)
        {
            return; // verification-only vector
        }
        var secretKey = Convert.FromHexString(vector.SecretKey);
        Assert.Equal(vector.PublicKey, Convert.ToHexString(Bip340.PublicKey(secretKey)));
        var signature = Bip340.Sign(secretKey, Convert.FromHexString(vector.Message), Convert.FromHexString(vector.AuxRand));
        Assert.Equal(vector.Signature, Convert.ToHexString(signature));
    }

    [Fact]
    public void Wrong_lengths_are_rejected_without_throwing()
    {
        var key = NostrKeys.GeneratePrivateKey();
        var publicKey = Bip340.PublicKey(key);
        var signature = Bip340.Sign(key, [1, 2, 3], new byte[32]);
        Assert.True(Bip340.Verify(publicKey, [1, 2, 3], signature));
        Assert.False(Bip340.Verify(publicKey[..31], [1, 2, 3], signature));
        Assert.False(Bip340.Verify(publicKey, [1, 2, 3], signature[..63]));
        Assert.False(Bip340.Verify(publicKey, [1, 2, 3], [.. signature, 0]));
        Assert.False(Bip340.Verify([], [], []));
    }

    [Fact]
    public void Invalid_secret_keys_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Bip340.PublicKey(new byte[32]));
        Assert.Throws<ArgumentException>(() => Bip340.PublicKey(Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")));
        Assert.Throws<ArgumentException>(() => Bip340.PublicKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => Bip340.Sign(NostrKeys.GeneratePrivateKey(), [], new byte[31]));
    }

    [Fact]
    public void Random_keys_sign_and_verify_and_a_flipped_bit_fails()
    {
        for (var i = 0; i < 8; i++)
        {
            var key = NostrKeys.GeneratePrivateKey();
            var message = System.Security.Cryptography.RandomNumberGenerator.GetBytes(i * 13);
            var signature = Bip340.Sign(key, message, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            Assert.True(Bip340.Verify(Bip340.PublicKey(key), message, signature));
            signature[i % 64] ^= 0x10;
            Assert.False(Bip340.Verify(Bip340.PublicKey(key), message, signature));
        }
    }
}
