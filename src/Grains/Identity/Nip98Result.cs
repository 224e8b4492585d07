using System.Diagnostics.CodeAnalysis;

namespace Vibe.Grains.Identity;

/// <summary>Stable error codes of NIP-98 verification; clients and logs may rely on them.</summary>
public static class Nip98ErrorCodes
{
    /// <summary>No Authorization header, or an empty one.</summary>
    public const string Missing = "auth.missing";
    /// <summary>The header is longer than the configured cap.</summary>
    public const string TooLarge = "auth.too_large";
    /// <summary>Not the Nostr scheme, not base64, not JSON, or not a well-formed event.</summary>
    public const string Malformed = "auth.malformed";
    /// <summary>The event kind is not 27235.</summary>
    public const string WrongKind = "auth.wrong_kind";
    /// <summary>created_at is outside the allowed window around now (either direction).</summary>
    public const string Stale = "auth.stale";
    /// <summary>The <c>u</c> tag is missing, repeated, or not exactly the request URL.</summary>
    public const string WrongUrl = "auth.wrong_url";
    /// <summary>The <c>method</c> tag is missing, repeated, or not exactly the request method.</summary>
    public const string WrongMethod = "auth.wrong_method";
    /// <summary>The <c>payload</c> tag is missing for a body, repeated, or not the body's SHA-256.</summary>
    public const string PayloadMismatch = "auth.payload_mismatch";
    /// <summary>The id is not the hash of the event.</summary>
    public const string BadId = "auth.bad_id";
    /// <summary>The signature does not verify for the event's pubkey.</summary>
    public const string BadSignature = "auth.bad_signature";
    /// <summary>This event id was already used.</summary>
    public const string Replayed = "auth.replayed";
}

/// <summary>Outcome of NIP-98 verification: the caller's pubkey, or a stable <see cref="ErrorCode"/> and readable <see cref="Message"/>.</summary>
public sealed record Nip98Result
{
    private Nip98Result(string? pubKey, string? eventId, string? errorCode, string? message)
    {
        PubKey = pubKey;
        EventId = eventId;
        ErrorCode = errorCode;
        Message = message;
    }

    /// <summary>True when the request is authenticated as <see cref="PubKey"/>.</summary>
    [MemberNotNullWhen(true, nameof(PubKey), nameof(EventId))]
    [MemberNotNullWhen(false, nameof(ErrorCode), nameof(Message))]
    public bool Succeeded => PubKey is not null;

    /// <summary>The authenticated public key, 64 lowercase hex characters.</summary>
    public string? PubKey { get; }

    /// <summary>The id of the accepted event.</summary>
    public string? EventId { get; }

    /// <summary>One of <see cref="Nip98ErrorCodes"/>.</summary>
    public string? ErrorCode { get; }

    /// <summary>Why verification failed, fit to show the client.</summary>
    public string? Message { get; }

    public static Nip98Result Success(string pubKey, string eventId) => new(pubKey, eventId, null, null);

    public static Nip98Result Failure(string errorCode, string message) => new(null, null, errorCode, message);

    public override string ToString() => Succeeded ? $"authenticated {PubKey}" : $"{ErrorCode}: {Message}";
}
