using MessagePack;
using Vibe.Contracts.Preview;

namespace Vibe.Web.Preview;

/// <summary>
/// <c>GET /api/projects/{id}/preview</c>: where the running app is (the URL carries a short-lived
/// token for the preview origin) and how far its dev server is.
/// </summary>
public sealed record PreviewView(string Url, string Status, string? Message, DateTimeOffset TokenExpiresAt);

/// <summary>The hub's <c>PreviewStatus(projectId, status)</c> payload (MessagePack map, camelCase keys).</summary>
[MessagePackObject]
public sealed record PreviewStatusView(
    [property: Key("status")] string Status,
    [property: Key("message")] string? Message,
    [property: Key("since")] DateTimeOffset Since);

public static class PreviewViews
{
    /// <summary>The wire name of a state: <c>stopped|installing|building|ready|error</c>.</summary>
    public static string ToWire(this PreviewState state) => state.ToString().ToLowerInvariant();

    public static PreviewStatusView Of(PreviewStatus status) => new(status.State.ToWire(), status.Message, status.Since);
}
