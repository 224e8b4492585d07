using System.Security.Cryptography;
using System.Text;

namespace Vibe.Grains.Identity;

/// <summary>NIP-98 constants and the client side: building the <c>Authorization</c> header value (for tests, tools and benches).</summary>
public static class Nip98Authorization
{
    /// <summary>The NIP-98 event kind (after RFC 7235).</summary>
    public const int Kind = 27235;

    /// <summary>The HTTP authorization scheme.</summary>
    public const string Scheme = "Nostr";

    /// <summary>
    /// Signs a kind-27235 event for <paramref name="absoluteUrl"/> and <paramref name="method"/>, with a
    /// <c>payload</c> tag when <paramref name="body"/> is not empty, and returns <c>"Nostr &lt;base64&gt;"</c>.
    /// </summary>
    public static string CreateHeader(NostrEventSigner signer, string absoluteUrl, string method, ReadOnlySpan<byte> body, DateTimeOffset createdAt) =>
        ToHeader(CreateEvent(signer, absoluteUrl, method, body, createdAt));

    /// <summary>
    /// The signed kind-27235 event that <see cref="CreateHeader"/> encodes. It carries a random <c>nonce</c> tag:
    /// without one, two identical requests in the same second hash to the same event id and the server
    /// refuses the second as a replay.
    /// </summary>
    public static NostrEvent CreateEvent(NostrEventSigner signer, string absoluteUrl, string method, ReadOnlySpan<byte> body, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(signer);
        List<string[]> tags = [["u", absoluteUrl], ["method", method]];
        if (!body.IsEmpty)
        {
            tags.Add(["payload", NostrKeys.ToHex(SHA256.HashData(body))]);
        }
        tags.Add(["nonce", NostrKeys.ToHex(RandomNumberGenerator.GetBytes(16))]);
        return signer.Sign(Kind, tags, "", createdAt);
    }

    /// <summary>Encodes any event as an Authorization header value, <c>"Nostr &lt;base64 of its JSON&gt;"</c>.</summary>
    public static string ToHeader(NostrEvent nostrEvent) =>
        $"{Scheme} {Convert.ToBase64String(Encoding.UTF8.GetBytes(nostrEvent.ToJson()))}";
}
