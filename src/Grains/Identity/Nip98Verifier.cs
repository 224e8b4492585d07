using System.Security.Cryptography;
using System.Text;

namespace Vibe.Grains.Identity;

/// <summary>Limits of NIP-98 verification.</summary>
public sealed class Nip98Options
{
    /// <summary>How far created_at may be from now, in either direction (NIP-98 suggests 60 s).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest Authorization header accepted, in characters; longer ones are refused before decoding.</summary>
    public int MaxHeaderLength { get; init; } = 16 * 1024;
}

/// <summary>
/// Verifies NIP-98 HTTP auth (https://github.com/nostr-protocol/nips/blob/master/98.md): an
/// <c>Authorization: Nostr &lt;base64 event&gt;</c> header whose kind-27235 event names exactly this URL, method
/// and body, is fresh, correctly signed, and not used before. Bad input yields a failed <see cref="Nip98Result"/>,
/// never an exception.
/// </summary>
public sealed class Nip98Verifier
{
    private static readonly string EmptyBodySha256 = NostrKeys.ToHex(SHA256.HashData([]));

    private readonly INip98ReplayGuard _replayGuard;
    private readonly TimeProvider _time;
    private readonly Nip98Options _options;

    public Nip98Verifier(INip98ReplayGuard replayGuard, TimeProvider time, Nip98Options? options = null)
    {
        _replayGuard = replayGuard ?? throw new ArgumentNullException(nameof(replayGuard));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new Nip98Options();
        if (_options.MaxClockSkew < TimeSpan.Zero || _options.MaxHeaderLength <= 0)
        {
            throw new ArgumentException("Nip98Options needs a non-negative MaxClockSkew and a positive MaxHeaderLength.", nameof(options));
        }
    }

    /// <summary>
    /// Verifies <paramref name="authorizationHeader"/> (the whole header value, scheme included) for a request to
    /// <paramref name="absoluteUrl"/> (scheme, host, path and query exactly as the client addressed it) with
    /// <paramref name="method"/> and <paramref name="body"/> (empty when there is none).
    /// </summary>
    public ValueTask<Nip98Result> VerifyAsync(
        string? authorizationHeader, string absoluteUrl, string method, ReadOnlyMemory<byte> body, CancellationToken ct = default) =>
        VerifyWithBodyHashAsync(authorizationHeader, absoluteUrl, method, body.IsEmpty ? null : SHA256.HashData(body.Span), ct);

    /// <summary>
    /// As <see cref="VerifyAsync"/>, for callers that hashed the body while streaming it:
    /// <paramref name="bodySha256"/> is the body's SHA-256, or null when the body is empty.
    /// </summary>
    public async ValueTask<Nip98Result> VerifyWithBodyHashAsync(
        string? authorizationHeader, string absoluteUrl, string method, byte[]? bodySha256, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(absoluteUrl);
        ArgumentNullException.ThrowIfNull(method);
        if (bodySha256 is { Length: not 32 })
        {
            throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(bodySha256));
        }

        var checkedEvent = CheckEvent(authorizationHeader, absoluteUrl, method, bodySha256, out var failure);
        if (checkedEvent is null)
        {
            return failure!;
        }

        // An event older than created_at + skew is refused as stale, so the id need not be remembered longer.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(checkedEvent.CreatedAt) + _options.MaxClockSkew + TimeSpan.FromSeconds(1);
        if (!await _replayGuard.TryConsumeAsync(checkedEvent.Id, expiresAt, ct).ConfigureAwait(false))
        {
            return Nip98Result.Failure(Nip98ErrorCodes.Replayed, "This authorization event was already used; sign a new one for each request.");
        }
        return Nip98Result.Success(checkedEvent.PubKey, checkedEvent.Id);
    }

    private NostrEvent? CheckEvent(string? header, string absoluteUrl, string method, byte[]? bodySha256, out Nip98Result? failure)
    {
        failure = null;
        if (!TryDecodeEvent(header, out var nostrEvent, out failure))
        {
            return null;
        }
        failure = CheckKind(nostrEvent)
            ?? CheckTime(nostrEvent)
            ?? CheckUrl(nostrEvent, absoluteUrl)
            ?? CheckMethod(nostrEvent, method)
            ?? CheckPayload(nostrEvent, bodySha256)
            ?? CheckSignature(nostrEvent);
        return failure is null ? nostrEvent : null;
    }

    private bool TryDecodeEvent(string? header, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NostrEvent? nostrEvent, out Nip98Result? failure)
    {
        nostrEvent = null;
        if (string.IsNullOrWhiteSpace(header))
        {
            failure = Nip98Result.Failure(Nip98ErrorCodes.Missing, "An Authorization header with a NIP-98 event is required.");
            return false;
        }
        if (header.Length > _options.MaxHeaderLength)
        {
            failure = Nip98Result.Failure(Nip98ErrorCodes.TooLarge, $"The Authorization header is longer than {_options.MaxHeaderLength} characters.");
            return false;
        }
        var value = header.AsSpan().Trim();
        var space = value.IndexOf(' ');
        if (space < 0 || !value[..space].Equals("Nostr", StringComparison.OrdinalIgnoreCase))
        {
            failure = Nip98Result.Failure(Nip98ErrorCodes.Malformed, "The Authorization header must use the Nostr scheme: \"Nostr <base64 event>\".");
            return false;
        }
        var encoded = value[(space + 1)..].TrimStart(' ');
        if (!TryDecodeBase64(encoded, out var json))
        {
            failure = Nip98Result.Failure(Nip98ErrorCodes.Malformed, "The Nostr authorization is not valid base64.");
            return false;
        }
        if (!NostrEvent.TryParse(json, out nostrEvent, out var error))
        {
            failure = Nip98Result.Failure(Nip98ErrorCodes.Malformed, $"The Nostr authorization is not a valid event: {error}");
            return false;
        }
        failure = null;
        return true;
    }

    // Standard base64 alphabet; the padding may be left off, as NIP-98's own example does.
    private static bool TryDecodeBase64(ReadOnlySpan<char> encoded, out byte[] bytes)
    {
        bytes = [];
        var unpadded = encoded.TrimEnd('=');
        if (unpadded.Length == 0 || encoded.Length - unpadded.Length > 2 || unpadded.Length % 4 == 1)
        {
            return false;
        }
        foreach (var c in unpadded)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/'))
            {
                return false;
            }
        }
        var padded = new StringBuilder(unpadded.Length + 3).Append(unpadded).Append('=', (4 - unpadded.Length % 4) % 4).ToString();
        if (encoded.Length != unpadded.Length && encoded.Length != padded.Length)
        {
            return false; // padding present but of the wrong length
        }
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }
        bytes = buffer[..written];
        return true;
    }

    private static Nip98Result? CheckKind(NostrEvent nostrEvent) =>
        nostrEvent.Kind == Nip98Authorization.Kind
            ? null
            : Nip98Result.Failure(Nip98ErrorCodes.WrongKind, $"The authorization event must be kind {Nip98Authorization.Kind}, not {nostrEvent.Kind}.");

    private Nip98Result? CheckTime(NostrEvent nostrEvent)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)_options.MaxClockSkew.TotalSeconds;
        var offset = nostrEvent.CreatedAt - now;
        if (offset > skew)
        {
            return Nip98Result.Failure(Nip98ErrorCodes.Stale, $"The authorization event is dated {offset} s in the future; check the client clock (allowed: {skew} s).");
        }
        if (-offset > skew)
        {
            return Nip98Result.Failure(Nip98ErrorCodes.Stale, $"The authorization event is {-offset} s old (allowed: {skew} s); sign a new one.");
        }
        return null;
    }

    private static Nip98Result? CheckUrl(NostrEvent nostrEvent, string absoluteUrl)
    {
        if (!TrySingleTagValue(nostrEvent, "u", out var url, out var problem))
        {
            return Nip98Result.Failure(Nip98ErrorCodes.WrongUrl, $"The authorization event {problem} \"u\" tag.");
        }
        return string.Equals(url, absoluteUrl, StringComparison.Ordinal)
            ? null
            : Nip98Result.Failure(Nip98ErrorCodes.WrongUrl, $"The authorization event is for \"{Truncate(url)}\", not \"{Truncate(absoluteUrl)}\".");
    }

    private static Nip98Result? CheckMethod(NostrEvent nostrEvent, string method)
    {
        if (!TrySingleTagValue(nostrEvent, "method", out var signedMethod, out var problem))
        {
            return Nip98Result.Failure(Nip98ErrorCodes.WrongMethod, $"The authorization event {problem} \"method\" tag.");
        }
        return string.Equals(signedMethod, method, StringComparison.Ordinal)
            ? null
            : Nip98Result.Failure(Nip98ErrorCodes.WrongMethod, $"The authorization event is for method \"{Truncate(signedMethod)}\", not \"{method}\".");
    }

    private static Nip98Result? CheckPayload(NostrEvent nostrEvent, byte[]? bodySha256)
    {
        var payloadTags = nostrEvent.TagsNamed("payload").ToList();
        if (payloadTags.Count == 0)
        {
            return bodySha256 is null
                ? null
                : Nip98Result.Failure(Nip98ErrorCodes.PayloadMismatch, "The request has a body, so the authorization event needs a \"payload\" tag with its SHA-256.");
        }
        if (payloadTags.Count > 1 || payloadTags[0].Count < 2)
        {
            return Nip98Result.Failure(Nip98ErrorCodes.PayloadMismatch, "The authorization event must have one \"payload\" tag with one value.");
        }
        var expected = bodySha256 is null ? EmptyBodySha256 : NostrKeys.ToHex(bodySha256);
        return string.Equals(payloadTags[0][1], expected, StringComparison.Ordinal)
            ? null
            : Nip98Result.Failure(Nip98ErrorCodes.PayloadMismatch, "The \"payload\" tag is not the lowercase hex SHA-256 of the request body.");
    }

    private static Nip98Result? CheckSignature(NostrEvent nostrEvent)
    {
        if (!nostrEvent.HasValidId())
        {
            return Nip98Result.Failure(Nip98ErrorCodes.BadId, "The authorization event's id is not the hash of its content.");
        }
        return nostrEvent.HasValidSignature()
            ? null
            : Nip98Result.Failure(Nip98ErrorCodes.BadSignature, "The authorization event's signature does not verify for its pubkey.");
    }

    private static bool TrySingleTagValue(NostrEvent nostrEvent, string name, out string value, out string problem)
    {
        value = "";
        var matches = nostrEvent.TagsNamed(name).Take(2).ToList();
        if (matches.Count == 0)
        {
            problem = "has no";
            return false;
        }
        if (matches.Count > 1)
        {
            problem = "has more than one";
            return false;
        }
        if (matches[0].Count < 2)
        {
            problem = "has no value in its";
            return false;
        }
        value = matches[0][1];
        problem = "";
        return true;
    }

    // Echoed values come from the client; keep messages short.
    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
