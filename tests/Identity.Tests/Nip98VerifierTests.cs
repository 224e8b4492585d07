using System.Security.Cryptography;
using System.Text;
using Vibe.Grains.Identity;

namespace Vibe.Identity.Tests;

public sealed class Nip98VerifierTests
{
    private const string Url = "https://vibe.example/api/projects?x=1";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private readonly ManualTimeProvider _time = new(Now);
    private readonly InMemoryNip98ReplayGuard _guard;
    private readonly Nip98Verifier _verifier;
    private readonly NostrEventSigner _signer = NostrEventSigner.Generate();

    public Nip98VerifierTests()
    {
        _guard = new InMemoryNip98ReplayGuard(_time);
        _verifier = new Nip98Verifier(_guard, _time);
    }

    private string Header(string url = Url, string method = "GET", byte[]? body = null, DateTimeOffset? createdAt = null) =>
        Nip98Authorization.CreateHeader(_signer, url, method, body ?? [], createdAt ?? Now);

    private string HeaderFor(int kind, IEnumerable<string[]> tags, DateTimeOffset? createdAt = null) =>
        Nip98Authorization.ToHeader(_signer.Sign(kind, tags, "", createdAt ?? Now));

    private static string HeaderFor(NostrEvent nostrEvent) => Nip98Authorization.ToHeader(nostrEvent);

    private ValueTask<Nip98Result> Verify(string? header, string url = Url, string method = "GET", byte[]? body = null) =>
        _verifier.VerifyAsync(header, url, method, body ?? [], CancellationToken.None);

    private static void AssertFails(Nip98Result result, string code)
    {
        Assert.False(result.Succeeded, "expected a failure");
        Assert.Equal(code, result.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.Null(result.PubKey);
    }

    [Fact]
    public async Task Valid_get_is_accepted_as_the_signer()
    {
        var result = await Verify(Header());
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(_signer.PublicKeyHex, result.PubKey);
        Assert.Matches("^[0-9a-f]{64}$", result.EventId);
        Assert.Null(result.ErrorCode);
    }

    [Fact]
    public async Task Valid_post_with_payload_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes("{\"name\":\"demo\"}");
        var result = await Verify(Header(method: "POST", body: body), method: "POST", body: body);
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Body_hash_overload_matches_the_body_overload()
    {
        var body = Encoding.UTF8.GetBytes("payload");
        var result = await _verifier.VerifyWithBodyHashAsync(Header(method: "PUT", body: body), Url, "PUT", SHA256.HashData(body));
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Scheme_is_case_insensitive_and_padding_is_optional()
    {
        var header = Header();
        var encoded = header["Nostr ".Length..].TrimEnd('=');
        var result = await Verify("nostr  " + encoded + "  ");
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Nip98_specification_example_header_decodes_but_is_refused_for_its_id()
    {
        // The unpadded header from NIP-98; its event id is not the hash of its fields (see NostrEventTests).
        const string header = "Nostr eyJpZCI6ImZlOTY0ZTc1ODkwMzM2MGYyOGQ4NDI0ZDA5MmRhODQ5NGVkMjA3Y2JhODIzMTEwYmUzYTU3ZGZlNGI1Nzg3MzQiLCJwdWJrZXkiOiI2M2ZlNjMxOGRjNTg1ODNjZmUxNjgxMGY4NmRkMDllMThiZmQ3NmFhYmMyNGEwMDgxY2UyODU2ZjMzMDUwNGVkIiwiY29udGVudCI6IiIsImtpbmQiOjI3MjM1LCJjcmVhdGVkX2F0IjoxNjgyMzI3ODUyLCJ0YWdzIjpbWyJ1IiwiaHR0cHM6Ly9hcGkuc25vcnQuc29jaWFsL2FwaS92MS9uNXNwL2xpc3QiXSxbIm1ldGhvZCIsIkdFVCJdXSwic2lnIjoiNWVkOWQ4ZWM5NThiYzg1NGY5OTdiZGMyNGFjMzM3ZDAwNWFmMzcyMzI0NzQ3ZWZlNGEwMGUyNGY0YzMwNDM3ZmY0ZGQ4MzA4Njg0YmVkNDY3ZDlkNmJlM2U1YTUxN2JiNDNiMTczMmNjN2QzMzk0OWEzYWFmODY3MDVjMjIxODQifQ";
        _time.Now = DateTimeOffset.FromUnixTimeSeconds(1682327852);
        AssertFails(await Verify(header, "https://api.snort.social/api/v1/n5sp/list"), Nip98ErrorCodes.BadId);
    }

    [Fact]
    public async Task Bad_signature_is_rejected()
    {
        var signed = Nip98Authorization.CreateEvent(_signer, Url, "GET", [], Now);
        var flipped = signed with { Sig = (signed.Sig[0] == '0' ? "1" : "0") + signed.Sig[1..] };
        AssertFails(await Verify(HeaderFor(flipped)), Nip98ErrorCodes.BadSignature);

        // Claiming someone else's pubkey with a correctly recomputed id still fails on the signature.
        var victim = NostrEventSigner.Generate().PublicKeyHex;
        var impersonation = signed with { PubKey = victim };
        impersonation = impersonation with { Id = impersonation.ComputeId() };
        AssertFails(await Verify(HeaderFor(impersonation)), Nip98ErrorCodes.BadSignature);
    }

    [Fact]
    public async Task Id_that_is_not_the_hash_is_rejected()
    {
        var signed = Nip98Authorization.CreateEvent(_signer, Url, "GET", [], Now);
        AssertFails(await Verify(HeaderFor(signed with { Id = new string('a', 64) })), Nip98ErrorCodes.BadId);
    }

    [Theory]
    [InlineData("https://vibe.example/api/projects?x=2")]
    [InlineData("https://vibe.example/api/projects")]
    [InlineData("https://vibe.example/api/projects/?x=1")]
    [InlineData("http://vibe.example/api/projects?x=1")]
    [InlineData("https://VIBE.example/api/projects?x=1")]
    [InlineData("https://vibe.example:443/api/projects?x=1")]
    [InlineData("https://other.example/api/projects?x=1")]
    public async Task Wrong_url_is_rejected(string requestUrl)
    {
        AssertFails(await Verify(Header(), requestUrl), Nip98ErrorCodes.WrongUrl);
    }

    [Fact]
    public async Task Missing_or_repeated_url_tag_is_rejected()
    {
        AssertFails(await Verify(HeaderFor(Nip98Authorization.Kind, [["method", "GET"]])), Nip98ErrorCodes.WrongUrl);
        AssertFails(await Verify(HeaderFor(Nip98Authorization.Kind, [["u", Url], ["u", Url], ["method", "GET"]])), Nip98ErrorCodes.WrongUrl);
        AssertFails(await Verify(HeaderFor(Nip98Authorization.Kind, [["u"], ["method", "GET"]])), Nip98ErrorCodes.WrongUrl);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("get")]
    [InlineData("HEAD")]
    public async Task Wrong_method_is_rejected(string requestMethod)
    {
        AssertFails(await Verify(Header(method: "GET"), method: requestMethod), Nip98ErrorCodes.WrongMethod);
    }

    [Fact]
    public async Task Missing_method_tag_is_rejected()
    {
        AssertFails(await Verify(HeaderFor(Nip98Authorization.Kind, [["u", Url]])), Nip98ErrorCodes.WrongMethod);
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(61)]
    [InlineData(-100_000)]
    [InlineData(100_000)]
    public async Task Stale_or_future_event_is_rejected(int offsetSeconds)
    {
        AssertFails(await Verify(Header(createdAt: Now.AddSeconds(offsetSeconds))), Nip98ErrorCodes.Stale);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(60)]
    public async Task Event_at_the_edge_of_the_window_is_accepted(int offsetSeconds)
    {
        var result = await Verify(Header(createdAt: Now.AddSeconds(offsetSeconds)));
        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Replayed_event_is_rejected()
    {
        var header = Header();
        Assert.True((await Verify(header)).Succeeded);
        AssertFails(await Verify(header), Nip98ErrorCodes.Replayed);
        _time.Advance(TimeSpan.FromSeconds(30));
        AssertFails(await Verify(header), Nip98ErrorCodes.Replayed);
        _time.Advance(TimeSpan.FromSeconds(120));
        AssertFails(await Verify(header), Nip98ErrorCodes.Stale);
    }

    [Fact]
    public async Task Rejected_attempt_does_not_burn_the_event()
    {
        var header = Header();
        AssertFails(await Verify(header, "https://evil.example/"), Nip98ErrorCodes.WrongUrl);
        Assert.True((await Verify(header)).Succeeded);
    }

    [Fact]
    public async Task Body_hash_mismatch_is_rejected()
    {
        var header = Header(method: "POST", body: Encoding.UTF8.GetBytes("signed body"));
        AssertFails(await Verify(header, method: "POST", body: Encoding.UTF8.GetBytes("other body")), Nip98ErrorCodes.PayloadMismatch);
    }

    [Fact]
    public async Task Missing_payload_for_a_body_is_rejected()
    {
        var header = Header(method: "POST");
        AssertFails(await Verify(header, method: "POST", body: [1, 2, 3]), Nip98ErrorCodes.PayloadMismatch);
    }

    [Fact]
    public async Task Payload_tag_for_an_empty_body_must_be_the_empty_hash()
    {
        var emptyHash = Convert.ToHexStringLower(SHA256.HashData([]));
        var ok = HeaderFor(Nip98Authorization.Kind, [["u", Url], ["method", "POST"], ["payload", emptyHash]]);
        Assert.True((await Verify(ok, method: "POST")).Succeeded);

        var wrong = HeaderFor(Nip98Authorization.Kind, [["u", Url], ["method", "POST"], ["payload", new string('0', 64)]]);
        AssertFails(await Verify(wrong, method: "POST"), Nip98ErrorCodes.PayloadMismatch);
    }

    [Fact]
    public async Task Uppercase_or_repeated_payload_is_rejected()
    {
        var body = Encoding.UTF8.GetBytes("x");
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var upper = HeaderFor(Nip98Authorization.Kind, [["u", Url], ["method", "POST"], ["payload", hash.ToUpperInvariant()]]);
        AssertFails(await Verify(upper, method: "POST", body: body), Nip98ErrorCodes.PayloadMismatch);
        var twice = HeaderFor(Nip98Authorization.Kind, [["u", Url], ["method", "POST"], ["payload", hash], ["payload", hash]]);
        AssertFails(await Verify(twice, method: "POST", body: body), Nip98ErrorCodes.PayloadMismatch);
    }

    [Fact]
    public async Task Wrong_kind_is_rejected()
    {
        AssertFails(await Verify(HeaderFor(1, [["u", Url], ["method", "GET"]])), Nip98ErrorCodes.WrongKind);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Missing_header_is_reported(string? header)
    {
        AssertFails(await Verify(header), Nip98ErrorCodes.Missing);
    }

    public static TheoryData<string> MalformedHeaders()
    {
        static string Encode(string text) => "Nostr " + Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        var signed = NostrEventSigner.Generate().Sign(Nip98Authorization.Kind, [["u", Url], ["method", "GET"]], "", Now);
        return new TheoryData<string>
        {
            "Bearer abc",
            "Nostr",
            "Nostr ",
            "Nostr !!!!",
            "Nostr a",
            "Nostr ab=c",
            "Nostr abc===",
            "Nostr YWJj=",
            "Nostr " + new string('A', 4000),
            "Nostr eyJp ZCI6",
            Encode("not json"),
            Encode("[]"),
            Encode("{}"),
            Encode("null"),
            Encode(signed.ToJson().Replace(signed.Id, signed.Id.ToUpperInvariant())),
            Encode(signed.ToJson().Replace(signed.PubKey, signed.PubKey[..62])),
            Encode(signed.ToJson().Replace("\"kind\":27235", "\"kind\":\"27235\"")),
            Encode(signed.ToJson().Replace("\"tags\":[[", "\"tags\":[1,[")),
            "Nostr " + Convert.ToBase64String([0xff, 0xfe, 0x00, 0x01]),
        };
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task Malformed_header_is_rejected(string header)
    {
        AssertFails(await Verify(header), Nip98ErrorCodes.Malformed);
    }

    [Fact]
    public async Task Oversize_header_is_rejected_before_decoding()
    {
        var header = "Nostr " + new string('A', 16 * 1024);
        AssertFails(await Verify(header), Nip98ErrorCodes.TooLarge);
        AssertFails(await Verify(new string(' ', 20_000) + "x"), Nip98ErrorCodes.TooLarge);
    }

    [Fact]
    public async Task Signed_event_with_huge_content_is_rejected_as_too_large()
    {
        var big = _signer.Sign(Nip98Authorization.Kind, [["u", Url], ["method", "GET"]], new string('x', 20_000), Now);
        AssertFails(await Verify(HeaderFor(big)), Nip98ErrorCodes.TooLarge);
    }

    [Fact]
    public async Task Random_garbage_never_throws()
    {
        var random = new Random(1234);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            var header = (i % 3) switch
            {
                0 => "Nostr " + Convert.ToBase64String(bytes),
                1 => "Nostr " + Encoding.Latin1.GetString(bytes),
                _ => Encoding.Latin1.GetString(bytes),
            };
            var result = await Verify(header);
            Assert.False(result.Succeeded);
            Assert.NotNull(result.ErrorCode);
        }
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new Nip98Verifier(_guard, _time, new Nip98Options { MaxHeaderLength = 0 }));
        Assert.Throws<ArgumentException>(() => new Nip98Verifier(_guard, _time, new Nip98Options { MaxClockSkew = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task Custom_clock_skew_is_honoured()
    {
        var strict = new Nip98Verifier(_guard, _time, new Nip98Options { MaxClockSkew = TimeSpan.FromSeconds(5) });
        AssertFails(await strict.VerifyAsync(Header(createdAt: Now.AddSeconds(-6)), Url, "GET", ReadOnlyMemory<byte>.Empty), Nip98ErrorCodes.Stale);
        Assert.True((await strict.VerifyAsync(Header(createdAt: Now.AddSeconds(-5)), Url, "GET", ReadOnlyMemory<byte>.Empty)).Succeeded);
    }
}
