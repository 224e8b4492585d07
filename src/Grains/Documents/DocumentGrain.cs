using Vibe.Contracts.Documents;

namespace Vibe.Grains.Documents;

[GenerateSerializer, Alias("vibe.document-state")]
public sealed class DocumentState
{
    [Id(0)] public string Text { get; set; } = "";
    [Id(1)] public long Version { get; set; }
    [Id(2)] public DateTimeOffset Modified { get; set; }
}

/// <summary>
/// One text file as plain text for now; the collaboration work replaces the state with a Yjs document
/// behind the same interface. Every change is persisted before the call returns.
/// </summary>
public sealed class DocumentGrain(
    [PersistentState("document", StreamNames.Storage)] IPersistentState<DocumentState> state,
    TimeProvider time) : Grain, IDocumentGrain
{
    public Task<DocumentText> GetTextAsync() => Task.FromResult(Current());

    public async Task<DocumentText> SetTextAsync(string text)
    {
        var edit = TextDiff.Minimal(state.State.Text, text ?? "");
        return edit is null ? Current() : await ApplyEditsAsync([edit]);
    }

    public async Task<DocumentText> ApplyEditsAsync(IReadOnlyList<TextEdit> edits)
    {
        var text = TextDiff.Apply(state.State.Text, edits);
        state.State.Text = text;
        state.State.Version++;
        state.State.Modified = time.GetUtcNow();
        await state.WriteStateAsync();
        return Current();
    }

    public async Task ClearAsync()
    {
        if (state.RecordExists)
            await state.ClearStateAsync();
        state.State = new DocumentState();
        DeactivateOnIdle();
    }

    DocumentText Current() => new(state.State.Text, state.State.Version, state.State.Modified);
}
