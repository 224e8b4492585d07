using Vibe.Contracts.Errors;
using Vibe.Crdt;
using Vibe.Crdt.Protocols;
using Vibe.Crdt.Updates;
using Vibe.Grains.Documents;
using Vibe.Grains.Documents.Log;

namespace Vibe.Collab.Tests.Documents;

/// <summary>The frame rules of a collaborative document, on the plain class without a cluster.</summary>
public sealed class CollabDocumentTests
{
    static CollabDocument Fresh() => CollabDocument.Load(new StoredDocument(null, 0, []), TimeProvider.System);

    static byte[] UpdateFrame(Action<Doc> edit)
    {
        var doc = new Doc();
        edit(doc);
        return WebsocketMessages.UpdateFrame(Y.EncodeStateAsUpdate(doc));
    }

    [Fact]
    public void Viewer_handshake_reply_with_nothing_new_is_accepted_silently()
    {
        var document = Fresh();
        var emptyStep2 = new byte[] { 0, 1, 2, 0, 0 };
        var outcome = document.Receive("viewer", emptyStep2, canWrite: false);
        Assert.Null(outcome.ErrorCode);
        Assert.Null(outcome.UpdateToPersist);
    }

    [Fact]
    public void Viewer_update_with_content_is_refused_and_changes_nothing()
    {
        var document = Fresh();
        var outcome = document.Receive("viewer", UpdateFrame(d => d.GetText("content").Insert(0, "x")), canWrite: false);
        Assert.Equal(VibeErrorCodes.DocumentReadOnly, outcome.ErrorCode);
        Assert.Equal("", document.Text);
    }

    [Fact]
    public void Editor_update_is_applied_persisted_and_broadcast()
    {
        var document = Fresh();
        var outcome = document.Receive("editor", UpdateFrame(d => d.GetText("content").Insert(0, "hi")), canWrite: true);
        Assert.Null(outcome.ErrorCode);
        Assert.NotNull(outcome.UpdateToPersist);
        Assert.NotNull(outcome.UpdateToBroadcast);
        Assert.Equal("hi", document.Text);
    }
}
