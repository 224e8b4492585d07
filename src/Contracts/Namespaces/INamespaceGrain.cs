namespace Vibe.Contracts.Namespaces;

/// <summary>
/// The OANIX namespace of one project (keyed by project id): a mount table resolved by longest prefix,
/// the file tree index, and the project's security policy. Every path is absolute (<c>/workspace/src/App.tsx</c>).
/// </summary>
[Alias("vibe.INamespaceGrain")]
public interface INamespaceGrain : IGrainWithStringKey
{
    [Alias("Mounts")] Task<IReadOnlyList<string>> GetMountsAsync();
    [Alias("Stat")] Task<FileEntry> StatAsync(string path);
    [Alias("Read")] Task<FileContent> ReadAsync(string path);
    [Alias("Write")] Task<FileEntry> WriteAsync(string path, byte[] bytes);
    [Alias("ReadDir")] Task<IReadOnlyList<FileEntry>> ReadDirAsync(string path);
    [Alias("Tree")] Task<IReadOnlyList<FileEntry>> TreeAsync(string path);
    [Alias("Mkdir")] Task<FileEntry> MkdirAsync(string path);
    [Alias("Rename")] Task<FileEntry> RenameAsync(string from, string to);
    [Alias("Remove")] Task RemoveAsync(string path);
    [Alias("GetPolicy")] Task<NamespacePolicy> GetPolicyAsync();
    [Alias("SetPolicy")] Task SetPolicyAsync(NamespacePolicy policy);
    /// <summary>Removes every file of the project (used when the project is deleted).</summary>
    [Alias("Destroy")] Task DestroyAsync();
    /// <summary>
    /// A document grain reports its text's new size after collaborative edits, so stat and tree stay true.
    /// One-way: the document never waits on the namespace (which itself calls documents).
    /// </summary>
    [Orleans.Concurrency.OneWay, Alias("DocumentEdited")] Task DocumentEditedAsync(string path, long size, DateTimeOffset modified);
}
