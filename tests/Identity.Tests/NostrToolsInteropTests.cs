using System.Text;
using System.Text.Json;
using Vibe.Grains.Identity;

namespace Vibe.Identity.Tests;

/// <summary>Events and NIP-98 headers produced by nostr-tools (JavaScript), see TestData/README.md.</summary>
public sealed class NostrToolsInteropTests
{
    private static JsonElement Fixture()
    {
        var json = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "nostr-tools-interop.json"));
        return JsonDocument.Parse(json).RootElement;
    }

    [Fact]
    public void Events_signed_by_nostr_tools_verify()
    {
        var fixture = Fixture();
        var count = 0;
        foreach (var element in fixture.GetProperty("events").EnumerateArray())
        {
            var nostrEvent = NostrEvent.Parse(element.GetRawText());
            Assert.Equal(nostrEvent.Id, nostrEvent.ComputeId());
            Assert.True(nostrEvent.Verify(), nostrEvent.Id);
            Assert.Equal(fixture.GetProperty("pubkey").GetString(), nostrEvent.PubKey);
            count++;
        }
        Assert.Equal(3, count);
    }

    [Fact]
    public void Our_signature_of_the_same_event_has_the_same_id()
    {
        var fixture = Fixture();
        var signer = new NostrEventSigner(Convert.FromHexString("0340034003400340034003400340034003400340034003400340034003400340"));
        foreach (var element in fixture.GetProperty("events").EnumerateArray())
        {
            var theirs = NostrEvent.Parse(element.GetRawText());
            var ours = signer.Sign(theirs.Kind, theirs.Tags, theirs.Content, theirs.CreatedAt, new byte[32]);
            Assert.Equal(theirs.Id, ours.Id);
            Assert.True(ours.Verify());
        }
    }

    [Fact]
    public async Task Nip98_headers_from_nostr_tools_are_accepted()
    {
        foreach (var request in Fixture().GetProperty("nip98").EnumerateArray())
        {
            var header = request.GetProperty("header").GetString()!;
            var signed = NostrEvent.Parse(Convert.FromBase64String(header["Nostr ".Length..]));
            var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(signed.CreatedAt));
            var verifier = new Nip98Verifier(new InMemoryNip98ReplayGuard(time), time);
            var result = await verifier.VerifyAsync(
                header,
                request.GetProperty("url").GetString()!,
                request.GetProperty("method").GetString()!,
                Encoding.UTF8.GetBytes(request.GetProperty("body").GetString()!));
            Assert.True(result.Succeeded, result.ToString());
            Assert.Equal(signed.PubKey, result.PubKey);
        }
    }
}
