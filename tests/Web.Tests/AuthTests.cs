using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

/// <summary>Sign-in with NIP-98, session tokens, and every way a credential can be wrong.</summary>
public sealed class AuthTests(VibeWebFactory factory) : IClassFixture<VibeWebFactory>
{
    readonly NostrEventSigner _user = NostrEventSigner.Generate();

    static string Header(NostrEvent e) => Nip98Authorization.ToHeader(e);

    NostrEvent Event(HttpRequestMessage request, byte[] body, DateTimeOffset? at = null) =>
        Nip98Authorization.CreateEvent(_user, request.RequestUri!.AbsoluteUri, request.Method.Method, body, at ?? DateTimeOffset.UtcNow);

    [Fact]
    public async Task Signed_request_gets_a_session_token_that_works_as_bearer()
    {
        var (client, _) = factory.ClientFor(_user);
        using var response = await client.PostAsync("/api/auth/session", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await response.Content.ReadFromJsonAsync<SessionBody>())!;
        Assert.Equal(_user.PublicKeyHex, session.Pubkey);
        Assert.False(string.IsNullOrEmpty(session.Token));
        Assert.InRange(session.ExpiresAt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(25));

        using var bearer = factory.AnonymousClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        using var me = await bearer.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.Content.ReadFromJsonAsync<MeBody>();
        Assert.Equal(_user.PublicKeyHex, body!.Pubkey);
        Assert.StartsWith("npub1", body.Npub);
        Assert.False(body.Admin);
    }

    [Fact]
    public async Task Signed_request_works_directly_on_the_api()
    {
        var (client, _) = factory.ClientFor(_user);
        using var me = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Identical_signed_requests_in_the_same_second_are_each_accepted()
    {
        var (client, _) = factory.ClientFor(_user);
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostAsync("/api/auth/session", null)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task Signature_covers_escaped_paths_and_query_strings()
    {
        var (client, _) = factory.ClientFor(_user);
        var project = await client.CreateProjectAsync("Escapes");
        using var put = await client.PutAsync($"/api/projects/{project.Id}/files/with space/ünï€ode.txt?x=a%20b&y=%C3%BC", new ByteArrayContent("hi"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/api/projects/{project.Id}/files/with%20space/%C3%BCn%C3%AF%E2%82%ACode.txt", put.Headers.Location?.OriginalString);
        using var tree = await client.GetAsync($"/api/projects/{project.Id}/tree?path=/with%20space");
        Assert.Equal(HttpStatusCode.OK, tree.StatusCode);
        Assert.Contains("/with space/ünï€ode.txt", await tree.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Signed_request_with_a_body_is_accepted()
    {
        var (client, _) = factory.ClientFor(_user);
        using var response = await client.PostAsJsonAsync("/api/projects", new { name = "Signed body", template = "blank" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Session_token_cannot_mint_another_session()
    {
        using var client = await factory.SessionClientAsync(_user);
        using var response = await client.PostAsync("/api/auth/session", null);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Access_token_in_the_query_is_not_accepted_on_api_paths()
    {
        var token = await factory.SessionTokenAsync(_user);
        using var client = factory.AnonymousClient();
        using var me = await client.GetAsync($"/api/me?access_token={token}");
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        using var projects = await client.GetAsync($"/api/projects?access_token={token}");
        await projects.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Anonymous_request_is_told_to_authenticate()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.GetAsync("/api/projects");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Nostr");
        using var session = await client.PostAsync("/api/auth/session", null);
        await session.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Replayed_event_is_rejected()
    {
        var (client, handler) = factory.ClientFor(_user);
        string? first = null;
        handler.HeaderOverride = (request, body) => first ??= Header(Event(request, body));
        using var accepted = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var replayed = await client.GetAsync("/api/me");
        await replayed.AssertProblemAsync(HttpStatusCode.Unauthorized, Nip98ErrorCodes.Replayed);
    }

    public static TheoryData<string> Tamperings => new()
    {
        "flipped signature byte",
        "edited after signing",
        "wrong url",
        "other path",
        "wrong method",
        "two minutes old",
        "two minutes ahead",
        "body hash mismatch",
        "payload missing for a body",
        "wrong kind",
        "not base64",
        "base64 of non-json",
        "json that is no event",
        "unknown scheme",
        "garbage bearer token",
        "header over 16 KiB",
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Bad_credentials_get_401_with_their_code(string tampering)
    {
        var (client, handler) = factory.ClientFor(_user);
        var expected = "";
        handler.HeaderOverride = (request, body) =>
        {
            string Sign(NostrEvent e, string code) { expected = code; return Header(e); }
            var now = DateTimeOffset.UtcNow;
            var tags = new[] { new[] { "u", request.RequestUri!.AbsoluteUri }, ["method", request.Method.Method] };
            switch (tampering)
            {
                case "flipped signature byte":
                {
                    var e = Event(request, body);
                    var sig = e.Sig.ToCharArray();
                    sig[10] = sig[10] == '0' ? '1' : '0';
                    return Sign(e with { Sig = new string(sig) }, Nip98ErrorCodes.BadSignature);
                }
                case "edited after signing":
                    return Sign(Event(request, body) with { Content = "changed" }, Nip98ErrorCodes.BadId);
                case "wrong url":
                    return Sign(Nip98Authorization.CreateEvent(_user, "https://evil.example/api/projects", "POST", body, now), Nip98ErrorCodes.WrongUrl);
                case "other path":
                    return Sign(Nip98Authorization.CreateEvent(_user, "http://localhost/api/me", "POST", body, now), Nip98ErrorCodes.WrongUrl);
                case "wrong method":
                    return Sign(Nip98Authorization.CreateEvent(_user, request.RequestUri!.AbsoluteUri, "PUT", body, now), Nip98ErrorCodes.WrongMethod);
                case "two minutes old":
                    return Sign(Event(request, body, now.AddMinutes(-2)), Nip98ErrorCodes.Stale);
                case "two minutes ahead":
                    return Sign(Event(request, body, now.AddMinutes(2)), Nip98ErrorCodes.Stale);
                case "body hash mismatch":
                    return Sign(Event(request, Encoding.UTF8.GetBytes("{\"name\":\"other\"}")), Nip98ErrorCodes.PayloadMismatch);
                case "payload missing for a body":
                    return Sign(_user.Sign(Nip98Authorization.Kind, tags, "", now), Nip98ErrorCodes.PayloadMismatch);
                case "wrong kind":
                {
                    var withPayload = Event(request, body);
                    return Sign(_user.Sign(1, withPayload.Tags, "", now), Nip98ErrorCodes.WrongKind);
                }
                case "not base64":
                    expected = Nip98ErrorCodes.Malformed;
                    return "Nostr !!not*base64!!";
                case "base64 of non-json":
                    expected = Nip98ErrorCodes.Malformed;
                    return "Nostr " + Convert.ToBase64String(Encoding.UTF8.GetBytes("{not json"));
                case "json that is no event":
                    expected = Nip98ErrorCodes.Malformed;
                    return "Nostr " + Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"kind\":27235}"));
                case "unknown scheme":
                    expected = "auth.malformed";
                    return "Basic dXNlcjpwYXNz";
                case "header over 16 KiB":
                    expected = Nip98ErrorCodes.TooLarge;
                    return "Nostr " + new string('A', 20_000);
                case "garbage bearer token":
                    expected = "auth.invalid_token";
                    return "Bearer not-a-token";
                default:
                    throw new ArgumentOutOfRangeException(nameof(tampering));
            }
        };
        using var response = await client.PostAsJsonAsync("/api/projects", new { name = "Tampered", template = "blank" });
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, expected);
    }

    [Fact]
    public async Task Expired_session_token_is_rejected()
    {
        var key = Convert.FromBase64String((await File.ReadAllTextAsync(Path.Combine(factory.DataDir, "session.key"))).Trim());
        var expired = new SessionTokens(key, new FixedTime(DateTimeOffset.UtcNow.AddHours(-2))).Issue(_user.PublicKeyHex, TimeSpan.FromMinutes(5));
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired.Token);
        using var response = await client.GetAsync("/api/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_rejected()
    {
        var foreign = new SessionTokens(SessionTokens.GenerateKey()).Issue(_user.PublicKeyHex, TimeSpan.FromMinutes(5));
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", foreign.Token);
        using var response = await client.GetAsync("/api/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_token");
    }

    sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed record MeBody(string Pubkey, string Npub, bool Admin, List<string> Projects, string? Name = null, string? Color = null);
