using System.Text.Json;
using Vibe.Contracts.Preview;

namespace Vibe.Web.Preview;

/// <summary>
/// What a preview page may say on its HMR socket (docs/preview.md): only
/// <c>{"type":"runtime-error","message","file","line","column","stack"}</c>. The page runs the project's
/// code, so everything is checked and cut to size before it reaches the grain, the logs and the agents.
/// </summary>
public static class PageMessages
{
    /// <summary>The largest message the socket reads; a longer one is dropped whole.</summary>
    public const int MaxMessageBytes = 64 * 1024;
    public const int MaxMessageChars = 2_000;
    public const int MaxFileChars = 1_024;
    public const int MaxStackChars = 16_000;

    public enum Kind { RuntimeError, Ignored, Malformed }

    /// <summary>
    /// Reads one text message. <see cref="Kind.RuntimeError"/> comes with the error to report;
    /// <see cref="Kind.Ignored"/> is well-formed JSON of another type (a newer client, a ping);
    /// <see cref="Kind.Malformed"/> comes with the reason, for the log.
    /// </summary>
    public static Kind Read(ReadOnlySpan<byte> utf8, out PreviewError? error, out string? problem)
    {
        error = null;
        problem = null;
        if (utf8.Length > MaxMessageBytes)
        {
            problem = $"the message is over {MaxMessageBytes} bytes";
            return Kind.Malformed;
        }
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            problem = "the message is not UTF-8";
            return Kind.Malformed;
        }
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the message is not a JSON object";
                return Kind.Malformed;
            }
            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                problem = "the message has no string \"type\"";
                return Kind.Malformed;
            }
            if (type.GetString() != "runtime-error")
                return Kind.Ignored;

            var message = OptionalString(root, "message", MaxMessageChars, ref problem);
            var file = OptionalString(root, "file", MaxFileChars, ref problem);
            var stack = OptionalString(root, "stack", MaxStackChars, ref problem);
            var line = OptionalCount(root, "line", ref problem);
            var column = OptionalCount(root, "column", ref problem);
            if (problem is not null)
                return Kind.Malformed;
            if (string.IsNullOrWhiteSpace(message))
            {
                problem = "a runtime-error needs a non-empty \"message\"";
                return Kind.Malformed;
            }
            error = new PreviewError(message, string.IsNullOrWhiteSpace(file) ? null : file, line, column, stack);
            return Kind.RuntimeError;
        }
        catch (JsonException e)
        {
            problem = "the message is not JSON: " + e.Message;
            return Kind.Malformed;
        }
    }

    static string? OptionalString(JsonElement root, string name, int max, ref string? problem)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            problem ??= $"\"{name}\" must be a string";
            return null;
        }
        var text = value.GetString()!;
        // Cut, not refused: a long stack is still worth reporting.
        return text.Length <= max ? text : text[..max] + "…";
    }

    static int? OptionalCount(JsonElement root, string name, ref string? problem)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < 0)
        {
            problem ??= $"\"{name}\" must be a non-negative integer";
            return null;
        }
        return n;
    }
}
