namespace Vibe.Contracts.Documents;

/// <summary>A text edit in UTF-16 code units, applied like <c>Array.splice</c>.</summary>
[GenerateSerializer, Alias("vibe.text-edit")]
public sealed record TextEdit(
    [property: Id(0)] int Position,
    [property: Id(1)] int DeleteCount,
    [property: Id(2)] string Insert);

[GenerateSerializer, Alias("vibe.document-text")]
public sealed record DocumentText(
    [property: Id(0)] string Text,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset Modified);

/// <summary>
/// One text file of a project (keyed <c>{projectId}/{path}</c>). The small interface the rest of Vibe
/// uses to read and edit text; the collaboration work turns its state into a Yjs document behind it.
/// </summary>
[Alias("vibe.IDocumentGrain")]
public interface IDocumentGrain : IGrainWithStringKey
{
    [Alias("GetText")] Task<DocumentText> GetTextAsync();
    /// <summary>Replaces the text; stored as the minimal edit from the current text.</summary>
    [Alias("SetText")] Task<DocumentText> SetTextAsync(string text);
    [Alias("ApplyEdits")] Task<DocumentText> ApplyEditsAsync(IReadOnlyList<TextEdit> edits);
    /// <summary>Forgets the document (its file was deleted or moved away).</summary>
    [Alias("Clear")] Task ClearAsync();
}
