using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Vibe.Grains.Identity;

/// <summary>
/// A NIP-01 Nostr event (https://github.com/nostr-protocol/nips/blob/master/01.md). Hex fields are lowercase;
/// <see cref="CreatedAt"/> is unix seconds. Build one with <see cref="NostrEventSigner"/> or <see cref="Parse(ReadOnlySpan{byte})"/>;
/// nothing here trusts an event until <see cref="Verify"/> says so.
/// </summary>
public sealed record NostrEvent(
    string Id,
    string PubKey,
    long CreatedAt,
    int Kind,
    IReadOnlyList<IReadOnlyList<string>> Tags,
    string Content,
    string Sig)
{
    /// <summary>Largest created_at accepted: the last second representable by <see cref="DateTimeOffset"/>.</summary>
    public const long MaxCreatedAt = 253_402_300_799;

    /// <summary>Largest kind NIP-01 allows.</summary>
    public const int MaxKind = 65_535;

    // Strict UTF-8 so an unpaired surrogate fails loudly instead of hashing as U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    /// <summary>Parses event JSON, throwing <see cref="NostrEventFormatException"/> with a readable reason when it is not a well-formed event.</summary>
    public static NostrEvent Parse(ReadOnlySpan<byte> utf8Json) =>
        TryParse(utf8Json, out var nostrEvent, out var error) ? nostrEvent : throw new NostrEventFormatException(error);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    public static NostrEvent Parse(string json) =>
        TryParse(json, out var nostrEvent, out var error) ? nostrEvent : throw new NostrEventFormatException(error);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out NostrEvent?, out string)"/>
    public static bool TryParse(string json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NostrEvent? nostrEvent, out string error)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (ArgumentException)
        {
            nostrEvent = null;
            error = "Event text contains an unpaired surrogate.";
            return false;
        }
        return TryParse(utf8, out nostrEvent, out error);
    }

    /// <summary>
    /// Parses event JSON strictly: an object with exactly one each of id, pubkey, created_at, kind, tags, content, sig;
    /// id/pubkey 64 and sig 128 lowercase hex characters; created_at an integer in 0..<see cref="MaxCreatedAt"/>;
    /// kind an integer in 0..65535; tags an array of non-empty arrays of strings. Unknown members are ignored
    /// (they are not covered by the id). Never throws; <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NostrEvent? nostrEvent, out string error)
    {
        nostrEvent = null;
        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray(), ParseOptions);
            return TryRead(document.RootElement, out nostrEvent, out error);
        }
        catch (JsonException ex)
        {
            error = $"Event is not valid JSON: {ex.Message}";
            return false;
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json reports invalid UTF-8 and escaped unpaired surrogates this way when a string is read.
            error = $"Event contains an invalid string: {ex.Message}";
            return false;
        }
    }

    /// <summary>
    /// The NIP-01 serialisation <c>[0,pubkey,created_at,kind,tags,content]</c> as UTF-8, the input of the id hash.
    /// Throws <see cref="ArgumentException"/> when a string holds an unpaired surrogate (it has no UTF-8 form).
    /// </summary>
    public static byte[] SerializeForId(string pubKey, long createdAt, int kind, IReadOnlyList<IReadOnlyList<string>> tags, string content)
    {
        var json = new StringBuilder(128 + content.Length);
        json.Append("[0,");
        AppendString(json, pubKey);
        json.Append(',').Append(createdAt.ToString(CultureInfo.InvariantCulture));
        json.Append(',').Append(kind.ToString(CultureInfo.InvariantCulture));
        json.Append(',');
        AppendTags(json, tags);
        json.Append(',');
        AppendString(json, content);
        json.Append(']');
        return StrictUtf8.GetBytes(json.ToString());
    }

    /// <summary>SHA-256 of <see cref="SerializeForId"/> as lowercase hex: what <see cref="Id"/> must be.</summary>
    public static string ComputeId(string pubKey, long createdAt, int kind, IReadOnlyList<IReadOnlyList<string>> tags, string content) =>
        NostrKeys.ToHex(SHA256.HashData(SerializeForId(pubKey, createdAt, kind, tags, content)));

    /// <summary>The id this event's content hashes to (which may differ from <see cref="Id"/> on a forged event).</summary>
    public string ComputeId() => ComputeId(PubKey, CreatedAt, Kind, Tags, Content);

    /// <summary>True when <see cref="Id"/> is the NIP-01 hash of the event and <see cref="Sig"/> is PubKey's BIP-340 signature of it. Never throws.</summary>
    public bool Verify() => HasValidId() && HasValidSignature();

    /// <summary>True when <see cref="Id"/> equals the hash of the event's fields. Never throws.</summary>
    public bool HasValidId()
    {
        try
        {
            return NostrKeys.IsLowerHex(Id) && Id.Length == 64 && string.Equals(Id, ComputeId(), StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>True when <see cref="Sig"/> is a valid BIP-340 signature by <see cref="PubKey"/> over the 32 id bytes. Never throws.</summary>
    public bool HasValidSignature() =>
        NostrKeys.TryDecodeHex(Id, 32, out var id)
        && NostrKeys.TryDecodeHex(PubKey, 32, out var publicKey)
        && NostrKeys.TryDecodeHex(Sig, 64, out var signature)
        && Bip340.Verify(publicKey, id, signature);

    /// <summary>Value equality, tags compared element by element (a record would compare the lists by reference).</summary>
    public bool Equals(NostrEvent? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(PubKey, other.PubKey, StringComparison.Ordinal)
        && CreatedAt == other.CreatedAt
        && Kind == other.Kind
        && string.Equals(Content, other.Content, StringComparison.Ordinal)
        && string.Equals(Sig, other.Sig, StringComparison.Ordinal)
        && Tags.Count == other.Tags.Count
        && Tags.Zip(other.Tags).All(pair => pair.First.SequenceEqual(pair.Second, StringComparer.Ordinal));

    public override int GetHashCode() => HashCode.Combine(Id, Sig);

    /// <summary>Every tag whose name (first element) is <paramref name="name"/>.</summary>
    public IEnumerable<IReadOnlyList<string>> TagsNamed(string name) =>
        Tags.Where(tag => tag.Count > 0 && string.Equals(tag[0], name, StringComparison.Ordinal));

    /// <summary>The whole event as compact JSON in NIP-01 member order, using the same escaping as the id serialisation.</summary>
    public string ToJson()
    {
        var json = new StringBuilder(256 + Content.Length);
        json.Append("{\"id\":");
        AppendString(json, Id);
        json.Append(",\"pubkey\":");
        AppendString(json, PubKey);
        json.Append(",\"created_at\":").Append(CreatedAt.ToString(CultureInfo.InvariantCulture));
        json.Append(",\"kind\":").Append(Kind.ToString(CultureInfo.InvariantCulture));
        json.Append(",\"tags\":");
        AppendTags(json, Tags);
        json.Append(",\"content\":");
        AppendString(json, Content);
        json.Append(",\"sig\":");
        AppendString(json, Sig);
        json.Append('}');
        return json.ToString();
    }

    private static void AppendTags(StringBuilder json, IReadOnlyList<IReadOnlyList<string>> tags)
    {
        json.Append('[');
        for (var i = 0; i < tags.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            json.Append('[');
            var tag = tags[i];
            for (var j = 0; j < tag.Count; j++)
            {
                if (j > 0)
                {
                    json.Append(',');
                }
                AppendString(json, tag[j]);
            }
            json.Append(']');
        }
        json.Append(']');
    }

    // NIP-01 escaping: \n \" \\ \r \t \b \f by name; every other character verbatim, except the remaining
    // C0 controls, which JSON forbids raw and which every mainstream implementation (JSON.stringify,
    // serde_json) writes as a lowercase \u00xx escape.
    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\n': json.Append("\\n"); break;
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }
        json.Append('"');
    }

    private static bool TryRead(JsonElement root, out NostrEvent? nostrEvent, out string error)
    {
        nostrEvent = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"Event must be a JSON object, not {Describe(root.ValueKind)}.";
            return false;
        }
        string? id = null, pubKey = null, content = null, sig = null;
        long? createdAt = null;
        int? kind = null;
        IReadOnlyList<IReadOnlyList<string>>? tags = null;
        foreach (var member in root.EnumerateObject())
        {
            var ok = member.Name switch
            {
                "id" => ReadOnce(member, id, out id, ReadHex(64), out error),
                "pubkey" => ReadOnce(member, pubKey, out pubKey, ReadHex(64), out error),
                "sig" => ReadOnce(member, sig, out sig, ReadHex(128), out error),
                "content" => ReadOnce(member, content, out content, ReadString, out error),
                "created_at" => ReadOnceValue(member, createdAt, out createdAt, ReadInteger(0, MaxCreatedAt), out error),
                "kind" => ReadOnceValue(member, kind, out kind, ReadKind, out error),
                "tags" => ReadOnce(member, tags, out tags, ReadTags, out error),
                _ => Ignore(out error),
            };
            if (!ok)
            {
                return false;
            }
        }
        var missing = new List<string>();
        if (id is null) missing.Add("id");
        if (pubKey is null) missing.Add("pubkey");
        if (createdAt is null) missing.Add("created_at");
        if (kind is null) missing.Add("kind");
        if (tags is null) missing.Add("tags");
        if (content is null) missing.Add("content");
        if (sig is null) missing.Add("sig");
        if (missing.Count > 0)
        {
            error = $"Event is missing {string.Join(", ", missing)}.";
            return false;
        }
        nostrEvent = new NostrEvent(id!, pubKey!, createdAt!.Value, kind!.Value, tags!, content!, sig!);
        error = "";
        return true;
    }

    private delegate bool ValueReader<T>(JsonElement element, out T value, out string error);

    private static bool ReadOnce<T>(JsonProperty member, T? current, out T? value, ValueReader<T> read, out string error)
        where T : class
    {
        value = current;
        if (current is not null)
        {
            error = $"Event has more than one \"{member.Name}\".";
            return false;
        }
        if (!read(member.Value, out var read1, out error))
        {
            error = $"\"{member.Name}\" {error}";
            return false;
        }
        value = read1;
        return true;
    }

    private static bool ReadOnceValue<T>(JsonProperty member, T? current, out T? value, ValueReader<T> read, out string error)
        where T : struct
    {
        value = current;
        if (current is not null)
        {
            error = $"Event has more than one \"{member.Name}\".";
            return false;
        }
        if (!read(member.Value, out var read1, out error))
        {
            error = $"\"{member.Name}\" {error}";
            return false;
        }
        value = read1;
        return true;
    }

    private static bool Ignore(out string error)
    {
        error = "";
        return true;
    }

    private static ValueReader<string> ReadHex(int length) => (JsonElement element, out string value, out string error) =>
    {
        if (!ReadString(element, out value, out error))
        {
            return false;
        }
        if (value.Length != length || !NostrKeys.IsLowerHex(value))
        {
            error = $"must be {length} lowercase hex characters.";
            return false;
        }
        return true;
    };

    private static bool ReadString(JsonElement element, out string value, out string error)
    {
        value = "";
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"must be a string, not {Describe(element.ValueKind)}.";
            return false;
        }
        value = element.GetString()!;
        error = "";
        return true;
    }

    private static ValueReader<long> ReadInteger(long min, long max) => (JsonElement element, out long value, out string error) =>
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
        {
            error = $"must be a number, not {Describe(element.ValueKind)}.";
            return false;
        }
        if (!element.TryGetInt64(out value) || value < min || value > max)
        {
            error = $"must be an integer from {min} to {max}.";
            return false;
        }
        error = "";
        return true;
    };

    private static bool ReadKind(JsonElement element, out int value, out string error)
    {
        var ok = ReadInteger(0, MaxKind)(element, out var kind, out error);
        value = (int)kind;
        return ok;
    }

    private static bool ReadTags(JsonElement element, out IReadOnlyList<IReadOnlyList<string>> value, out string error)
    {
        value = [];
        if (element.ValueKind != JsonValueKind.Array)
        {
            error = $"must be an array of arrays of strings, not {Describe(element.ValueKind)}.";
            return false;
        }
        var tags = new List<IReadOnlyList<string>>(element.GetArrayLength());
        var index = 0;
        foreach (var tagElement in element.EnumerateArray())
        {
            if (tagElement.ValueKind != JsonValueKind.Array)
            {
                error = $"[{index}] must be an array of strings, not {Describe(tagElement.ValueKind)}.";
                return false;
            }
            var tag = new string[tagElement.GetArrayLength()];
            if (tag.Length == 0)
            {
                error = $"[{index}] is empty; a tag has at least a name.";
                return false;
            }
            var position = 0;
            foreach (var item in tagElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    error = $"[{index}][{position}] must be a string, not {Describe(item.ValueKind)}.";
                    return false;
                }
                tag[position++] = item.GetString()!;
            }
            tags.Add(tag);
            index++;
        }
        value = tags;
        error = "";
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

/// <summary>Raised by <see cref="NostrEvent.Parse(ReadOnlySpan{byte})"/> for JSON that is not a well-formed Nostr event.</summary>
public sealed class NostrEventFormatException(string message) : FormatException(message);
