using Orleans.Concurrency;

namespace Vibe.Contracts.Documents;

/// <summary>A text edit in UTF-16 code units, applied like <c>Array.splice</c>.</summary>
[GenerateSerializer, Alias("vibe.text-edit")]
public sealed record TextEdit(
    [property: Id(0)] int Position,
    [property: Id(1)] int DeleteCount,
    [property: Id(2)] string Insert);

/// <summary>A document's text; <see cref="Version"/> is the id of the last committed update.</summary>
[GenerateSerializer, Alias("vibe.document-text")]
public sealed record DocumentText(
    [property: Id(0)] string Text,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset Modified);

/// <summary>What a document answers to one y-protocols frame: frames for the sender, or why it was refused.</summary>
/// <remarks>Immutable once made (nobody writes into its frames), so Orleans passes it between grains and web
/// nodes in one process without copying it; that copy was a visible share of a keystroke's allocations.</remarks>
[GenerateSerializer, Immutable, Alias("vibe.frame-result")]
public sealed record FrameResult(
    [property: Id(0)] IReadOnlyList<byte[]> Replies,
    [property: Id(1)] string? ErrorCode,
    [property: Id(2)] string? ErrorMessage)
{
    public static FrameResult Ok(params byte[][] replies) => new(replies, null, null);
}

[GenerateSerializer, Alias("vibe.document-frame-kind")]
public enum DocumentFrameKind
{
    Update = 0,
    Awareness = 1,
    /// <summary>The file was deleted or moved away: connections to the document are closed (empty frame; pushed to web nodes only).</summary>
    Closed = 2,
}

/// <summary>
/// A frame every connection to the document must see, pushed to the listeners and published on stream
/// <c>doc/{documentId}</c> after the update it carries is committed. <see cref="Origin"/> is the connection it came from (not echoed back).
/// Immutable once made (nobody writes into <see cref="Frame"/>), so in-process calls pass it without a copy.
/// </summary>
/// <remarks>
/// Update frames form a chain: <see cref="Previous"/> is the <see cref="Version"/> of the update frame the
/// document sent before this one. A listener that holds everything up to <see cref="Previous"/> (applied
/// frames, or a <see cref="DocumentSnapshot"/> of at least that version) can apply this one; otherwise one
/// is missing or overtaken, and it waits for it or repairs from a snapshot.
/// </remarks>
[GenerateSerializer, Immutable, Alias("vibe.document-frame")]
public sealed record DocumentFrame(
    [property: Id(0)] string DocumentId,
    [property: Id(1)] DocumentFrameKind Kind,
    [property: Id(2)] byte[] Frame,
    [property: Id(3)] string? Origin,
    [property: Id(4)] long Version,
    [property: Id(5)] long Previous = 0);

/// <summary>What a listener registration answers: the activation, and the version pushes continue from.</summary>
[GenerateSerializer, Immutable, Alias("vibe.document-listen")]
public sealed record DocumentListen(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version);

/// <summary>The whole document as one Yjs v1 update, the version it includes, and the activation it came from.</summary>
[GenerateSerializer, Immutable, Alias("vibe.document-snapshot")]
public sealed record DocumentSnapshot(
    [property: Id(0)] byte[] State,
    [property: Id(1)] long Version,
    [property: Id(2)] Guid Epoch);

/// <summary>
/// A receiver of a document's frames, pushed by the document grain as soon as an update is committed (one
/// hop, no queue to poll): web nodes (for their connections) and previews (for their working copy). A
/// listener registers once per document and renews every <see cref="DocumentListening.RenewEvery"/>; the
/// grain forgets a listener that was not renewed within <see cref="DocumentListening.Lease"/>.
/// </summary>
[Alias("vibe.IDocumentListener")]
public interface IDocumentListener : IGrainObserver
{
    [OneWay, Alias("OnFrame")] Task OnFrameAsync(DocumentFrame frame);
}

public static class DocumentListening
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long a pushed update frame may wait for the one sent before it (<see cref="DocumentFrame.Previous"/>)
    /// before the listener counts that one as lost and takes the document whole (<see cref="IDocumentGrain.GetSnapshotAsync"/>)
    /// on its next renewal.
    /// </summary>
    public static readonly TimeSpan LostFramePatience = TimeSpan.FromSeconds(1);
}

/// <summary>
/// One text file of a project as a Yjs document whose root <c>Y.Text</c> is named <c>content</c>,
/// keyed <c>{projectId}/{path}</c>. Updates are validated, committed to the update log, pushed to the
/// listeners, and only then acknowledged; stream <c>doc/{id}</c> carries every frame too, in order, in batches.
/// </summary>
[Alias("vibe.IDocumentGrain")]
public interface IDocumentGrain : IGrainWithStringKey
{
    [Alias("GetText")] Task<DocumentText> GetTextAsync();
    /// <summary>Replaces the text with a minimal edit from the current text, under the server's client id.</summary>
    [Alias("SetText")] Task<DocumentText> SetTextAsync(string text);
    [Alias("ApplyEdits")] Task<DocumentText> ApplyEditsAsync(IReadOnlyList<TextEdit> edits);
    /// <summary>Forgets the document (its file was deleted or moved away).</summary>
    [Alias("Clear")] Task ClearAsync();

    /// <summary>
    /// The whole document as one Yjs v1 update, with the version it includes (where a listener's chain of update
    /// frames starts) and the activation's epoch.
    /// </summary>
    [Alias("GetSnapshot")] Task<DocumentSnapshot> GetSnapshotAsync();
    /// <summary>A connection opens the document: returns sync step 1 and the current awareness, as frames.</summary>
    [Alias("Join")] Task<IReadOnlyList<byte[]>> JoinAsync(string connectionId);
    /// <summary>A connection closed: its awareness states are removed for everyone.</summary>
    [Alias("Leave")] Task LeaveAsync(string connectionId);
    /// <summary>One y-websocket frame from a connection; update frames need <paramref name="canWrite"/>.</summary>
    /// <remarks>A value task: a caller that looks at the answer later (when it is complete) costs no continuation.</remarks>
    [Alias("ReceiveFrame")] ValueTask<FrameResult> ReceiveFrameAsync(string connectionId, [Immutable] byte[] frame, bool canWrite);

    /// <summary>
    /// Registers (or renews) a listener. Returns this activation's epoch: when it changes, the document was
    /// re-activated (idle collection, a silo failure) and the listener takes the whole state again (a web
    /// node sends it to its connections) so that no update pushed in between is missed. Also returns the
    /// version of the last update frame sent so far: the next one pushed names it as its <see cref="DocumentFrame.Previous"/>.
    /// </summary>
    [Alias("Listen")] Task<DocumentListen> ListenAsync(IDocumentListener listener);
    [Alias("Unlisten")] Task UnlistenAsync(IDocumentListener listener);
}
