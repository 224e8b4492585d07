using Vibe.Grains.Identity;

namespace Vibe.Identity.Tests;

public sealed class SessionTokensTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly string PubKey = NostrEventSigner.Generate().PublicKeyHex;

    private readonly ManualTimeProvider _time = new(Now);
    private readonly byte[] _key = SessionTokens.GenerateKey();

    [Fact]
    public void Issued_token_validates_to_its_pubkey()
    {
        var tokens = new SessionTokens(_key, _time);
        var (token, expiresAt) = tokens.Issue(PubKey, TimeSpan.FromMinutes(15));
        Assert.Equal(Now.AddMinutes(15), expiresAt);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.True(tokens.TryValidate(token, out var pubKey, out var validatedExpiry));
        Assert.Equal(PubKey, pubKey);
        Assert.Equal(expiresAt, validatedExpiry);
        Assert.True(new SessionTokens(_key, _time).TryValidate(token, out _));
    }

    [Fact]
    public void Token_expires_at_its_expiry()
    {
        var tokens = new SessionTokens(_key, _time);
        var issued = tokens.Issue(PubKey, TimeSpan.FromMinutes(15));
        _time.Now = issued.ExpiresAt.AddSeconds(-1);
        Assert.True(tokens.TryValidate(issued.Token, out _));
        _time.Now = issued.ExpiresAt;
        Assert.False(tokens.TryValidate(issued.Token, out var pubKey));
        Assert.Equal("", pubKey);
    }

    [Fact]
    public void Tampered_token_is_rejected()
    {
        var tokens = new SessionTokens(_key, _time);
        var token = tokens.Issue(PubKey, TimeSpan.FromMinutes(15)).Token;
        for (var i = 0; i < token.Length; i++)
        {
            var replacement = token[i] == 'A' ? 'B' : 'A';
            var tampered = token[..i] + replacement + token[(i + 1)..];
            Assert.False(tokens.TryValidate(tampered, out _), $"tampered at {i}");
        }
        Assert.False(tokens.TryValidate(token + "A", out _));
        Assert.False(tokens.TryValidate(token[..^1], out _));
    }

    [Fact]
    public void Extending_the_expiry_breaks_the_mac()
    {
        var tokens = new SessionTokens(_key, _time);
        var token = tokens.Issue(PubKey, TimeSpan.FromMinutes(1)).Token;
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(token);
        bytes[5]++;
        Assert.False(tokens.TryValidate(System.Buffers.Text.Base64Url.EncodeToString(bytes), out _));
    }

    [Fact]
    public void Token_from_another_key_is_rejected()
    {
        var token = new SessionTokens(SessionTokens.GenerateKey(), _time).Issue(PubKey, TimeSpan.FromMinutes(15)).Token;
        Assert.False(new SessionTokens(_key, _time).TryValidate(token, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void Garbage_is_rejected(string? token)
    {
        Assert.False(new SessionTokens(_key, _time).TryValidate(token, out _));
    }

    [Fact]
    public void Random_strings_of_token_length_never_throw()
    {
        var tokens = new SessionTokens(_key, _time);
        var length = tokens.Issue(PubKey, TimeSpan.FromMinutes(1)).Token.Length;
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = i % 2 == 0 ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[random.Next(64)] : (char)random.Next(0, 0x3000);
            }
            Assert.False(tokens.TryValidate(new string(chars), out _));
        }
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SessionTokens(new byte[31]));
        var tokens = new SessionTokens(_key, _time);
        Assert.Throws<ArgumentException>(() => tokens.Issue(PubKey.ToUpperInvariant(), TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentException>(() => tokens.Issue("abc", TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokens.Issue(PubKey, TimeSpan.Zero));
    }

    [Fact]
    public void Generated_keys_are_32_random_bytes()
    {
        var a = SessionTokens.GenerateKey();
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, SessionTokens.GenerateKey());
    }
}
