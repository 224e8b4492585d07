using System.Text.Json;
using System.Text.Json.Nodes;
using Vibe.Contracts.Preview;

namespace Vibe.Grains.Preview;

/// <summary>The HMR messages of docs/preview.md as JSON text, built in one place so the page and the tests read one format.</summary>
public static class HmrMessages
{
    public static string Status(PreviewStatus status)
    {
        var message = new JsonObject { ["type"] = "status", ["status"] = StatusName(status.State) };
        if (status.Message is { } text)
            message["message"] = text;
        return message.ToJsonString();
    }

    public static string StatusName(PreviewState state) => state switch
    {
        PreviewState.Installing => "installing",
        PreviewState.Building => "building",
        PreviewState.Ready => "ready",
        PreviewState.Error => "error",
        _ => "stopped",
    };

    public static string Update(IEnumerable<(string Path, string Url)> modules, long timestamp)
    {
        var updates = new JsonArray();
        foreach (var (path, url) in modules)
            updates.Add(new JsonObject { ["path"] = path, ["url"] = url, ["t"] = timestamp });
        return new JsonObject { ["type"] = "update", ["updates"] = updates }.ToJsonString();
    }

    public static string FullReload(string reason) => new JsonObject { ["type"] = "full-reload", ["reason"] = reason }.ToJsonString();

    public static string Error(PreviewError error) => new JsonObject
    {
        ["type"] = "error",
        ["error"] = new JsonObject
        {
            ["message"] = error.Message,
            ["file"] = error.File,
            ["line"] = error.Line,
            ["column"] = error.Column,
            ["frame"] = error.Frame,
        },
    }.ToJsonString();

    public static string ErrorCleared() => """{"type":"error-cleared"}""";

    /// <summary>Reads a worker's <c>error</c> object; anything missing stays null, the message never does.</summary>
    public static PreviewError ParseError(JsonElement error, string? fallbackFile)
    {
        string? Text(string name) => error.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? Number(string name) => error.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
        if (error.ValueKind == JsonValueKind.String)
            return new PreviewError(error.GetString() ?? "error", fallbackFile, null, null, null);
        return new PreviewError(Text("message") ?? "The build failed.", Text("file") ?? fallbackFile, Number("line"), Number("column"), Text("frame"));
    }
}
