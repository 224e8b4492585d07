using Vibe.Contracts.Errors;
using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Namespaces;

/// <summary>Where a file's bytes live: a text document grain, or a content-addressed blob.</summary>
[GenerateSerializer, Alias("vibe.content-kind")]
public enum ContentKind
{
    None = 0,
    Document = 1,
    Blob = 2,
}

/// <summary>One row of the persisted file tree index.</summary>
[GenerateSerializer, Alias("vibe.index-entry")]
public sealed class IndexEntry
{
    [Id(0)] public FileKind Kind { get; set; }
    [Id(1)] public long Size { get; set; }
    [Id(2)] public DateTimeOffset Modified { get; set; }
    [Id(3)] public ContentKind Content { get; set; }
    /// <summary>SHA-256 hex of a blob's bytes, null for documents and directories.</summary>
    [Id(4)] public string? BlobHash { get; set; }
}

/// <summary>
/// The file tree of a namespace as a flat map of absolute paths. Directories are explicit entries so
/// empty ones survive; a file's parents are created on write like <c>mkdir -p</c>.
/// </summary>
public sealed class FileTreeIndex(IDictionary<string, IndexEntry> entries, string root)
{
    public string Root { get; } = root;

    public bool TryGet(string path, out IndexEntry entry)
    {
        if (path == Root)
        {
            entry = new IndexEntry { Kind = FileKind.Directory };
            return true;
        }
        return entries.TryGetValue(path, out entry!);
    }

    public IndexEntry Get(string path) =>
        TryGet(path, out var e) ? e : throw new VibeException(VibeErrorCodes.FileNotFound, $"{path} does not exist.");

    public FileEntry ToEntry(string path, IndexEntry e) => new(path, e.Kind, e.Size, e.Modified);

    /// <summary>Ensures every ancestor of <paramref name="path"/> below the root is a directory.</summary>
    public void EnsureParents(string path, DateTimeOffset now) => AddDirectories(MissingParents(path), now);

    /// <summary>
    /// The ancestors of <paramref name="path"/> that do not exist yet, outermost first, without changing the
    /// index; throws <c>path.not_directory</c> when an ancestor is a file. Lets a caller check before it stores.
    /// </summary>
    public IReadOnlyList<string> MissingParents(string path)
    {
        var parent = NamespacePath.Parent(path);
        var missing = new List<string>();
        while (parent != Root && NamespacePath.IsWithin(parent, Root))
        {
            if (entries.TryGetValue(parent, out var existing))
            {
                if (existing.Kind != FileKind.Directory)
                    throw new VibeException(VibeErrorCodes.PathNotDirectory, $"{parent} is a file, not a directory.");
                break;
            }
            missing.Add(parent);
            parent = NamespacePath.Parent(parent);
        }
        missing.Reverse();
        return missing;
    }

    public void AddDirectories(IEnumerable<string> paths, DateTimeOffset now)
    {
        foreach (var path in paths)
            entries[path] = new IndexEntry { Kind = FileKind.Directory, Modified = now };
    }

    public void Set(string path, IndexEntry entry) => entries[path] = entry;

    public void Remove(string path) => entries.Remove(path);

    /// <summary>The paths strictly below <paramref name="dir"/>, depth first, parents before children.</summary>
    public IReadOnlyList<string> Descendants(string dir) =>
        entries.Keys.Where(p => p != dir && NamespacePath.IsWithin(p, dir)).Order(DepthFirst).ToList();

    public IReadOnlyList<string> Children(string dir) =>
        entries.Keys.Where(p => p != dir && NamespacePath.IsWithin(p, dir) && NamespacePath.Parent(p) == dir)
            .Order(DepthFirst).ToList();

    /// <summary>
    /// Ordinal order with '/' below every other character, so a directory's subtree comes right after it
    /// (plain ordinal puts <c>src.bak</c> and <c>src-old</c> between <c>src</c> and <c>src/x</c>).
    /// </summary>
    static readonly Comparer<string> DepthFirst = Comparer<string>.Create(static (a, b) =>
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] == b[i])
                continue;
            if (a[i] == '/')
                return -1;
            if (b[i] == '/')
                return 1;
            return a[i].CompareTo(b[i]);
        }
        return a.Length.CompareTo(b.Length);
    });
}
