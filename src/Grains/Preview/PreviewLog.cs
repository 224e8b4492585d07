using System.Text;
using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Preview;

/// <summary>
/// The preview's logs in the project's namespace: <c>/logs/build.log</c> (installs, dep pre-bundling,
/// compile errors) and <c>/logs/preview.log</c> (failed requests, runtime errors, HMR decisions). Lines are
/// collected from any thread (npm and the worker write from their own) and written in batches by
/// <see cref="FlushAsync"/> on the grain; past <see cref="MaxBytes"/> a log drops its oldest half.
/// </summary>
public sealed class PreviewLog(IGrainFactory grains, string projectId, TimeProvider time)
{
    public const string BuildLog = "/logs/build.log";
    public const string PreviewLogPath = "/logs/preview.log";
    public const int MaxBytes = 1024 * 1024;
    const int MaxLineChars = 4096;

    readonly object _gate = new();
    readonly Dictionary<string, StringBuilder> _pending = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

    public bool HasPending
    {
        get { lock (_gate) return _pending.Count > 0; }
    }

    public void Build(string line) => Append(BuildLog, line);

    public void Preview(string line) => Append(PreviewLogPath, line);

    public void Append(string file, string line)
    {
        if (line.Length > MaxLineChars)
            line = line[..MaxLineChars] + "…";
        var stamped = $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {line}\n";
        lock (_gate)
        {
            if (!_pending.TryGetValue(file, out var buffer))
                _pending[file] = buffer = new StringBuilder();
            buffer.Append(stamped);
            // A runaway writer between two flushes keeps only the newest lines.
            if (buffer.Length > MaxBytes)
                buffer.Remove(0, buffer.Length - MaxBytes / 2);
        }
    }

    /// <summary>Appends the collected lines to the namespace files; a failure keeps nothing and never throws (logs are best effort).</summary>
    public async Task FlushAsync()
    {
        List<(string File, string Lines)> batch;
        lock (_gate)
        {
            batch = _pending.Select(kv => (kv.Key, kv.Value.ToString())).ToList();
            _pending.Clear();
        }
        var ns = grains.GetGrain<INamespaceGrain>(projectId);
        foreach (var (file, lines) in batch)
        {
            try
            {
                if (!_written.TryGetValue(file, out var current))
                {
                    try
                    {
                        current = Encoding.UTF8.GetString((await ns.ReadAsync(file)).Bytes);
                    }
                    catch (VibeException e) when (e.Code == VibeErrorCodes.FileNotFound)
                    {
                        current = "";
                    }
                }
                var text = Cap(current + lines, MaxBytes);
                await ns.WriteAsync(file, Encoding.UTF8.GetBytes(text));
                _written[file] = text;
            }
            catch (Exception)
            {
                // The project may be gone or its policy may refuse /logs; the preview goes on without its log.
                _written.Remove(file);
            }
        }
    }

    /// <summary>Keeps a log under <paramref name="maxBytes"/> by dropping its oldest half at a line boundary.</summary>
    public static string Cap(string text, int maxBytes)
    {
        while (Encoding.UTF8.GetByteCount(text) > maxBytes)
        {
            var half = text.Length / 2;
            var newline = text.IndexOf('\n', half);
            text = newline < 0 || newline == text.Length - 1 ? text[half..] : text[(newline + 1)..];
        }
        return text;
    }
}
