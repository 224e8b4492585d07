using System.Text;

namespace Vibe.Grains.Namespaces;

/// <summary>
/// Decides whether a file is collaborative text (a document grain) or binary (a blob). Text must be valid
/// UTF-8 without NUL so that it round-trips byte for byte through the document's string.
/// </summary>
public static class TextDetector
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".avif", ".pdf", ".zip", ".gz", ".tar", ".wasm",
        ".woff", ".woff2", ".ttf", ".otf", ".mp3", ".mp4", ".webm", ".ogg", ".wav", ".db", ".sqlite",
    };

    public static bool TryDecode(string path, byte[] bytes, out string text)
    {
        text = "";
        if (BinaryExtensions.Contains(Path.GetExtension(path)) || bytes.AsSpan().Contains((byte)0))
            return false;
        try
        {
            text = Strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public static byte[] Encode(string text) => Strict.GetBytes(text);
}
