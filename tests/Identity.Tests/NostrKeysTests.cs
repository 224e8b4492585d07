using Vibe.Grains.Identity;

namespace Vibe.Identity.Tests;

public sealed class NostrKeysTests
{
    // Examples from NIP-19 (https://github.com/nostr-protocol/nips/blob/master/19.md).
    [Theory]
    [InlineData("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg", "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")]
    [InlineData("npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6", "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d")]
    public void Npub_round_trips_the_nip19_examples(string npub, string hex)
    {
        Assert.Equal(npub, NostrKeys.ToNpub(hex));
        Assert.True(NostrKeys.TryDecodeNpub(npub, out var decoded));
        Assert.Equal(hex, decoded);
        Assert.True(NostrKeys.TryDecodeNpub(npub.ToUpperInvariant(), out _));
    }

    [Fact]
    public void Nsec_round_trips_the_nip19_example()
    {
        const string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
        var key = Convert.FromHexString("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa");
        Assert.Equal(nsec, NostrKeys.ToNsec(key));
        Assert.True(NostrKeys.TryDecodeNsec(nsec, out var decoded));
        Assert.Equal(key, decoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptt")] // bad checksum
    [InlineData("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjpTg")] // mixed case
    [InlineData("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5")] // wrong prefix
    [InlineData("npub1qqqqqqqqqqqqqqqq")]
    [InlineData("npub1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public void Bad_npub_is_rejected(string? npub)
    {
        Assert.False(NostrKeys.TryDecodeNpub(npub, out _));
    }

    [Fact]
    public void Hex_decoding_is_strict()
    {
        Assert.True(NostrKeys.TryDecodeHex("00ff", 2, out var bytes));
        Assert.Equal([0, 255], bytes);
        Assert.False(NostrKeys.TryDecodeHex("00FF", 2, out _));
        Assert.False(NostrKeys.TryDecodeHex("00f", 2, out _));
        Assert.False(NostrKeys.TryDecodeHex("00ff00", 2, out _));
        Assert.False(NostrKeys.TryDecodeHex(" 0ff", 2, out _));
        Assert.False(NostrKeys.TryDecodeHex(null, 2, out _));
        Assert.Throws<FormatException>(() => NostrKeys.DecodeHex("zz", 1));
    }

    [Fact]
    public void Public_key_validity_is_checked_on_the_curve()
    {
        Assert.True(NostrKeys.IsValidPublicKeyHex("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659"));
        // Not on the curve, and beyond the field size (BIP-340 vectors 5 and 14).
        Assert.False(NostrKeys.IsValidPublicKeyHex("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"));
        Assert.False(NostrKeys.IsValidPublicKeyHex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30"));
        Assert.False(NostrKeys.IsValidPublicKeyHex("DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659"));
    }

    [Fact]
    public void Generated_keys_are_valid_and_distinct()
    {
        var a = NostrKeys.GeneratePrivateKey();
        Assert.True(Bip340.IsValidPrivateKey(a));
        Assert.NotEqual(a, NostrKeys.GeneratePrivateKey());
    }
}
