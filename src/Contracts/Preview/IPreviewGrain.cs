using Vibe.Contracts.Namespaces;

namespace Vibe.Contracts.Preview;

[GenerateSerializer, Alias("vibe.preview-state")]
public enum PreviewState
{
    Stopped = 0,
    Installing = 1,
    Building = 2,
    Ready = 3,
    Error = 4,
}

/// <summary>Where a preview is; <see cref="Message"/> says why when <see cref="State"/> is Error.</summary>
[GenerateSerializer, Alias("vibe.preview-status")]
public sealed record PreviewStatus(
    [property: Id(0)] PreviewState State,
    [property: Id(1)] string? Message,
    [property: Id(2)] DateTimeOffset Since);

/// <summary>One answer of the preview server: a status code, a content type, the bytes, an ETag.</summary>
[GenerateSerializer, Alias("vibe.preview-asset")]
public sealed record PreviewAsset(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] string ContentType,
    [property: Id(2)] byte[] Body,
    [property: Id(3)] string? ETag);

/// <summary>A compile or runtime error with its place in the source (line 1-based, column 0-based).</summary>
[GenerateSerializer, Alias("vibe.preview-error")]
public sealed record PreviewError(
    [property: Id(0)] string Message,
    [property: Id(1)] string? File,
    [property: Id(2)] int? Line,
    [property: Id(3)] int? Column,
    [property: Id(4)] string? Frame);

/// <summary>Everything published on stream <c>preview/{projectId}</c>.</summary>
[GenerateSerializer, Alias("vibe.preview-event")]
public abstract record PreviewEvent([property: Id(0)] string ProjectId);

[GenerateSerializer, Alias("vibe.preview-status-changed")]
public sealed record PreviewStatusChanged(
    string ProjectId,
    [property: Id(1)] PreviewStatus Status) : PreviewEvent(ProjectId);

/// <summary>
/// One HMR message (JSON, see docs/preview.md) for every page of the preview. <see cref="Sequence"/> grows
/// with every message of the project (across activations, it is clock-based), so a web node that gets a
/// message both pushed and from the stream relays it once.
/// </summary>
[GenerateSerializer, Alias("vibe.preview-hmr")]
public sealed record PreviewHmr(
    string ProjectId,
    [property: Id(1)] string Json,
    [property: Id(2)] long Sequence = 0) : PreviewEvent(ProjectId);

/// <summary>
/// A web node's receiver of a preview's HMR messages, pushed the moment the grain has them (the stream
/// <c>preview/{projectId}</c> carries them too, a poll later). Renewed like <see cref="Documents.IDocumentListener"/>.
/// </summary>
[Alias("vibe.IPreviewListener")]
public interface IPreviewListener : IGrainObserver
{
    [Orleans.Concurrency.OneWay, Alias("OnHmr")] Task OnHmrAsync(PreviewHmr message);
}

/// <summary>A build or runtime error of the preview, also published on <c>project/{projectId}</c>.</summary>
[GenerateSerializer, Alias("vibe.preview-error-reported")]
public sealed record PreviewErrorReported(
    string ProjectId,
    [property: Id(1)] string Kind,
    [property: Id(2)] PreviewError Error) : ProjectEvent(ProjectId);

/// <summary>
/// A project's dev server (docs/preview.md): its workspace materialised on the hosting silo, npm
/// dependencies installed, modules transformed by esbuild, HMR messages on stream <c>preview/{projectId}</c>.
/// </summary>
[Alias("vibe.IPreviewGrain")]
public interface IPreviewGrain : IGrainWithStringKey
{
    /// <summary>Starts the preview if it is stopped (idempotent) and returns where it is.</summary>
    [Alias("Start")] Task<PreviewStatus> StartAsync();
    [Alias("GetStatus")] Task<PreviewStatus> GetStatusAsync();
    /// <summary>
    /// Answers one request under <c>/preview/{projectId}</c>: <paramref name="path"/> starts with '/',
    /// <paramref name="query"/> is the raw query without '?' (or empty). Starts the preview if needed.
    /// </summary>
    [Alias("GetAsset")] Task<PreviewAsset> GetAssetAsync(string path, string query);
    /// <summary>The HMR messages a page that connects now must see first (status, a current error).</summary>
    [Alias("Connect")] Task<IReadOnlyList<string>> ConnectAsync();
    /// <summary>A runtime error reported by a page of the preview.</summary>
    [Alias("ReportRuntimeError")] Task ReportRuntimeErrorAsync(PreviewError error);
    /// <summary>Stops the worker and frees its resources; the working directory stays for a fast restart.</summary>
    [Alias("Stop")] Task StopAsync();
    /// <summary>Registers (or renews, every <see cref="Documents.DocumentListening.RenewEvery"/>) a web node's HMR listener (not activity for the idle stop).</summary>
    [Alias("Listen")] Task ListenAsync(IPreviewListener listener);
    [Alias("Unlisten")] Task UnlistenAsync(IPreviewListener listener);
}
