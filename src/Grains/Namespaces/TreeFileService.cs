using Vibe.Contracts.Errors;
using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Namespaces;

/// <summary>
/// A file service over a <see cref="FileTreeIndex"/> and a content store. Each mutation stores content
/// first, then the index (<paramref name="persist"/>), then reports the change, so an acknowledged write is
/// durable and a crash in between leaves at worst unreferenced content.
/// </summary>
public sealed class TreeFileService(
    FileTreeIndex index,
    IFileContentStore content,
    Func<CancellationToken, Task> persist,
    Action<NamespaceChangeKind, string, FileKind, string?> changed,
    TimeProvider time) : IFileService
{
    public Task<FileEntry> StatAsync(string path, CancellationToken ct = default) =>
        Task.FromResult(index.ToEntry(path, index.Get(path)));

    public async Task<FileContent> ReadAsync(string path, CancellationToken ct = default)
    {
        var entry = index.Get(path);
        if (entry.Kind == FileKind.Directory)
            throw new VibeException(VibeErrorCodes.PathIsDirectory, $"{path} is a directory.");
        var bytes = await content.GetAsync(path, entry, ct);
        // A document can be edited behind the index, so report the size of the bytes actually returned.
        return new FileContent(index.ToEntry(path, entry) with { Size = bytes.Length }, bytes);
    }

    public async Task<FileEntry> WriteAsync(string path, byte[] bytes, CancellationToken ct = default)
    {
        if (path == index.Root)
            throw new VibeException(VibeErrorCodes.PathIsDirectory, $"{path} is a directory.");
        var existed = index.TryGet(path, out var previous);
        if (existed && previous.Kind == FileKind.Directory)
            throw new VibeException(VibeErrorCodes.PathIsDirectory, $"{path} is a directory.");
        // Check the parents before storing, and add them only after: a failed store leaves the index as it was.
        var parents = index.MissingParents(path);
        var (kind, hash) = await content.PutAsync(path, bytes, existed ? previous.Content : ContentKind.None, ct);
        var now = time.GetUtcNow();
        index.AddDirectories(parents, now);
        var entry = new IndexEntry { Kind = FileKind.File, Size = bytes.Length, Modified = now, Content = kind, BlobHash = hash };
        index.Set(path, entry);
        await persist(ct);
        changed(existed ? NamespaceChangeKind.Modified : NamespaceChangeKind.Created, path, FileKind.File, null);
        Hosting.VibeTelemetry.FilesWritten.Add(1);
        Hosting.VibeTelemetry.BytesWritten.Add(bytes.Length);
        return index.ToEntry(path, entry);
    }

    public Task<IReadOnlyList<FileEntry>> ReadDirAsync(string path, CancellationToken ct = default)
    {
        RequireDirectory(path);
        IReadOnlyList<FileEntry> list = index.Children(path).Select(p => index.ToEntry(p, index.Get(p))).ToList();
        return Task.FromResult(list);
    }

    public Task<IReadOnlyList<FileEntry>> TreeAsync(string path, CancellationToken ct = default)
    {
        var entry = index.Get(path);
        IReadOnlyList<FileEntry> list = entry.Kind == FileKind.File
            ? [index.ToEntry(path, entry)]
            : index.Descendants(path).Select(p => index.ToEntry(p, index.Get(p))).ToList();
        return Task.FromResult(list);
    }

    public async Task<FileEntry> MkdirAsync(string path, CancellationToken ct = default)
    {
        if (index.TryGet(path, out var existing))
        {
            if (existing.Kind == FileKind.Directory)
                return index.ToEntry(path, existing);
            throw new VibeException(VibeErrorCodes.PathExists, $"{path} already exists as a file.");
        }
        var now = time.GetUtcNow();
        index.EnsureParents(path, now);
        var entry = new IndexEntry { Kind = FileKind.Directory, Modified = now };
        index.Set(path, entry);
        await persist(ct);
        changed(NamespaceChangeKind.Created, path, FileKind.Directory, null);
        return index.ToEntry(path, entry);
    }

    public async Task<FileEntry> RenameAsync(string from, string to, CancellationToken ct = default)
    {
        if (from == index.Root || to == index.Root)
            throw new VibeException(VibeErrorCodes.PathInvalid, "The mount root cannot be moved or replaced.");
        var source = index.Get(from);
        if (from == to)
            return index.ToEntry(from, source);
        if (NamespacePath.IsWithin(to, from))
            throw new VibeException(VibeErrorCodes.PathInvalid, $"{from} cannot be moved into itself.");
        if (index.TryGet(to, out _))
            throw new VibeException(VibeErrorCodes.PathExists, $"{to} already exists.");
        var parents = index.MissingParents(to);

        var moves = new List<(string From, string To)> { (from, to) };
        if (source.Kind == FileKind.Directory)
            moves.AddRange(index.Descendants(from).Select(p => (p, to + p[from.Length..])));
        // Content first, index after: a failed content move leaves the index untouched.
        foreach (var (f, t) in moves)
        {
            var e = index.Get(f);
            if (e.Kind == FileKind.File)
                await content.MoveAsync(f, t, e, ct);
        }
        index.AddDirectories(parents, time.GetUtcNow());
        foreach (var (f, t) in moves)
        {
            var e = index.Get(f);
            index.Remove(f);
            index.Set(t, e);
        }
        await persist(ct);
        changed(NamespaceChangeKind.Moved, to, source.Kind, from);
        return index.ToEntry(to, source);
    }

    public async Task RemoveAsync(string path, CancellationToken ct = default)
    {
        if (path == index.Root)
            throw new VibeException(VibeErrorCodes.PathInvalid, "The mount root cannot be removed.");
        var entry = index.Get(path);
        var doomed = new List<string> { path };
        if (entry.Kind == FileKind.Directory)
            doomed.AddRange(index.Descendants(path));
        // Index first: once it is persisted the files are gone for every reader; content is cleaned after.
        var removed = doomed.Select(p => (Path: p, Entry: index.Get(p))).ToList();
        foreach (var p in doomed)
            index.Remove(p);
        await persist(ct);
        foreach (var (p, e) in removed)
        {
            if (e.Kind == FileKind.File)
                await content.DeleteAsync(p, e, ct);
        }
        changed(NamespaceChangeKind.Deleted, path, entry.Kind, null);
    }

    void RequireDirectory(string path)
    {
        if (index.Get(path).Kind != FileKind.Directory)
            throw new VibeException(VibeErrorCodes.PathNotDirectory, $"{path} is not a directory.");
    }
}
