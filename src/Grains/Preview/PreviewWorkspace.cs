using System.Security.Cryptography;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Crdt;
using Vibe.Crdt.Encoding;
using Vibe.Crdt.Protocols;
using Vibe.Grains.Documents;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Preview;

/// <summary>
/// A project's <c>/workspace</c> as real files in <c>{PreviewDir}/{projectId}</c>, where npm and esbuild can
/// read it. Materialised once per activation (only files whose bytes differ are written), then kept current
/// by single-file updates: namespace changes for every file, and for the text files the preview uses, a
/// Yjs replica fed by the frames its document grain pushes (edits in the editor reach no namespace event).
/// </summary>
public sealed class PreviewWorkspace(IGrainFactory grains, string projectId, string root)
{
    /// <summary>Directories of the working directory that belong to the preview, not to the project.</summary>
    public static readonly string[] OwnDirectories = ["node_modules", ".vibe"];

    readonly Dictionary<string, TrackedDocument> _tracked = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> _writeSequence = new(StringComparer.Ordinal);
    long _sequence;

    public string Root { get; } = Path.GetFullPath(root);

    public string ProjectId => projectId;

    INamespaceGrain Namespace => grains.GetGrain<INamespaceGrain>(projectId);

    /// <summary>Project ids become directory names: only plain names, never '.', '..' or separators.</summary>
    public static bool IsSafeName(string id) =>
        id.Length is > 0 and <= 128 && id[0] != '.' && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>
    /// The file for a workspace-relative path (<c>/src/App.tsx</c>) or null when the path is not a plain
    /// path inside the working directory (the caller already refused '..', but this is the last guard).
    /// </summary>
    public string? FullPath(string relative)
    {
        if (string.IsNullOrEmpty(relative) || relative[0] != '/' || relative.Contains('\0') || relative.Contains('\\'))
            return null;
        var full = Path.GetFullPath(Path.Combine(Root, relative.TrimStart('/')));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    public bool IsTracked(string relative) => _tracked.ContainsKey(relative);

    /// <summary>Writes every file of <c>/workspace</c> whose bytes differ on disk and deletes files the project no longer has.</summary>
    public async Task<int> MaterialiseAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(Root);
        var entries = await Namespace.TreeAsync(NamespacePath.Workspace);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var written = 0;
        foreach (var entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            var relative = NamespacePath.ToWorkspace(entry.Path);
            if (FullPath(relative) is not { } full || IsOwn(relative))
                continue;
            wanted.Add(full);
            if (entry.Kind == FileKind.Directory)
            {
                Directory.CreateDirectory(full);
                continue;
            }
            if (await RefreshFromNamespaceAsync(relative))
                written++;
        }
        foreach (var file in Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = false }).ToList())
        {
            if (!wanted.Contains(file))
                File.Delete(file);
        }
        foreach (var dir in Directory.EnumerateDirectories(Root).ToList())
        {
            var name = Path.GetFileName(dir);
            if (OwnDirectories.Contains(name))
                continue;
            if (!wanted.Contains(dir))
            {
                Directory.Delete(dir, recursive: true);
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToList())
            {
                if (!wanted.Contains(file))
                    File.Delete(file);
            }
        }
        return written;
    }

    /// <summary>Applies one namespace change; returns the workspace-relative paths of files whose content changed or went away.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(NamespaceChanged change)
    {
        if (!NamespacePath.IsWithin(change.Path, NamespacePath.Workspace) || change.Path == NamespacePath.Workspace)
            return [];
        var relative = NamespacePath.ToWorkspace(change.Path);
        if (FullPath(relative) is not { } full || IsOwn(relative))
            return [];
        switch (change.Kind)
        {
            case NamespaceChangeKind.Created or NamespaceChangeKind.Modified when change.FileKind == FileKind.Directory:
                Directory.CreateDirectory(full);
                return [];
            case NamespaceChangeKind.Created or NamespaceChangeKind.Modified:
                return await RefreshFromNamespaceAsync(relative) ? [relative] : [];
            case NamespaceChangeKind.Deleted:
                return Delete(relative, full);
            case NamespaceChangeKind.Moved when change.From is { } fromPath:
            {
                var changed = new List<string>();
                var from = NamespacePath.ToWorkspace(fromPath);
                if (FullPath(from) is { } fromFull && !IsOwn(from))
                    changed.AddRange(Delete(from, fromFull));
                if (change.FileKind == FileKind.Directory)
                {
                    foreach (var entry in await Namespace.TreeAsync(change.Path))
                    {
                        var rel = NamespacePath.ToWorkspace(entry.Path);
                        if (entry.Kind == FileKind.File && await RefreshFromNamespaceAsync(rel))
                            changed.Add(rel);
                        else if (entry.Kind == FileKind.Directory && FullPath(rel) is { } dir)
                            Directory.CreateDirectory(dir);
                    }
                }
                else if (await RefreshFromNamespaceAsync(relative))
                {
                    changed.Add(relative);
                }
                return changed;
            }
            default:
                return [];
        }
    }

    /// <summary>
    /// Starts following a text file's document: registers <paramref name="listener"/> with the document grain
    /// first, then takes a snapshot, so no update falls between the two (frames pushed meanwhile wait in the
    /// chain and those after the snapshot are applied). Returns true when the file on disk changed.
    /// </summary>
    public async Task<bool> TrackAsync(string relative, IDocumentListener listener, DateTimeOffset now)
    {
        // Installed packages are no documents: only the project's own files are followed.
        if (_tracked.ContainsKey(relative) || FullPath(relative) is null || IsOwn(relative))
            return false;
        var key = WorkspaceContentStore.DocumentKey(projectId, NamespacePath.Workspace + relative);
        var tracked = new TrackedDocument(new Doc(), new DocumentFollower(grains, key, listener));
        _tracked[relative] = tracked;
        try
        {
            await tracked.Follower.ListenAsync(continueFromAnswer: false, now);
            Apply(tracked, await tracked.Follower.CatchUpAsync(now));
        }
        catch
        {
            Forget(relative);
            throw;
        }
        return WriteText(relative, tracked);
    }

    /// <summary>
    /// Takes a pushed frame of a followed document: returns the update frames to apply now, in the order their
    /// document sent them (see <see cref="FrameChain"/>), each with its workspace-relative path.
    /// </summary>
    public IReadOnlyList<(string Path, DocumentFrame Frame)> Arrange(DocumentFrame frame, DateTimeOffset now)
    {
        // A document key is the project id followed by the workspace-relative path.
        if (frame.Kind != DocumentFrameKind.Update || !frame.DocumentId.StartsWith(projectId + "/", StringComparison.Ordinal))
            return [];
        var relative = frame.DocumentId[projectId.Length..];
        if (!_tracked.TryGetValue(relative, out var tracked) || tracked.Follower.DocumentId != frame.DocumentId)
            return [];
        return [.. tracked.Follower.Accept(frame, now).Select(f => (relative, f))];
    }

    /// <summary>The workspace-relative paths of the followed documents.</summary>
    public IReadOnlyList<string> TrackedPaths => [.. _tracked.Keys];

    /// <summary>
    /// Renews the listener on a followed document. When the document was activated anew (its epoch changed) or
    /// a frame has waited longer than <paramref name="patience"/> for a lost one, the replica catches up from a
    /// snapshot. Returns true when the file on disk changed.
    /// </summary>
    public async Task<bool> RenewAsync(string relative, DateTimeOffset now, TimeSpan patience)
    {
        if (!_tracked.TryGetValue(relative, out var tracked))
            return false;
        if (await tracked.Follower.RenewAsync(now, patience) is not { } caughtUp)
            return false;
        // Untracked while the snapshot was on its way: nothing to repair.
        if (!_tracked.TryGetValue(relative, out var current) || current != tracked)
            return false;
        Apply(tracked, caughtUp);
        return WriteText(relative, tracked);
    }

    static void Apply(TrackedDocument tracked, DocumentCatchUp caughtUp)
    {
        Y.ApplyUpdate(tracked.Doc, caughtUp.Snapshot.State);
        foreach (var frame in caughtUp.Following)
            ApplySync(tracked.Doc, frame);
    }

    /// <summary>Applies a document's update frame to its replica; returns true when the file's text changed (and was written).</summary>
    public bool ApplyFrame(string relative, DocumentFrame frame)
    {
        if (frame.Kind != DocumentFrameKind.Update || !_tracked.TryGetValue(relative, out var tracked) || tracked.Follower.DocumentId != frame.DocumentId)
            return false;
        ApplySync(tracked.Doc, frame);
        return WriteText(relative, tracked);
    }

    static void ApplySync(Doc doc, DocumentFrame frame)
    {
        var reader = new Lib0Reader(frame.Frame);
        if (reader.ReadVarUint() == WebsocketMessages.MessageSync)
            SyncProtocol.ReadSyncMessage(reader, new Lib0Writer(), doc, origin: null);
    }

    /// <summary>Stops following a document (its file went away or turned binary); the grain forgets the listener.</summary>
    void Forget(string relative)
    {
        if (_tracked.Remove(relative, out var tracked))
            _ = UnlistenAsync(tracked);
    }

    async Task UnlistenAsync(TrackedDocument tracked)
    {
        try
        {
            await tracked.Follower.UnlistenAsync();
        }
        catch (Exception)
        {
            // A listener left behind is forgotten by the grain when its lease runs out.
        }
    }

    /// <summary>The current text of a file: the replica's when the file is followed, else the file's (null when absent or binary).</summary>
    public string? ReadText(string relative)
    {
        if (_tracked.TryGetValue(relative, out var tracked))
            return tracked.Text;
        var bytes = ReadBytes(relative);
        return bytes is not null && TextDetector.TryDecode(relative, bytes, out var text) ? text : null;
    }

    public byte[]? ReadBytes(string relative) =>
        FullPath(relative) is { } full && File.Exists(full) ? File.ReadAllBytes(full) : null;

    public bool Exists(string relative) => FullPath(relative) is { } full && File.Exists(full);

    /// <summary>Stops following every document (on deactivation; the files stay).</summary>
    public async Task UntrackAllAsync()
    {
        var all = _tracked.Values.ToList();
        _tracked.Clear();
        await Task.WhenAll(all.Select(UnlistenAsync));
    }

    static bool IsOwn(string relative)
    {
        var first = relative.TrimStart('/').Split('/')[0];
        return OwnDirectories.Contains(first);
    }

    /// <summary>
    /// Reads a file from the namespace and writes it unless the bytes are already there. A later refresh of the
    /// same path that finishes first wins: the older read is dropped instead of overwriting newer bytes.
    /// </summary>
    async Task<bool> RefreshFromNamespaceAsync(string relative)
    {
        var sequence = ++_sequence;
        _writeSequence[relative] = sequence;
        byte[] bytes;
        try
        {
            bytes = (await Namespace.ReadAsync(NamespacePath.Workspace + relative)).Bytes;
        }
        catch (VibeException e) when (e.Code is VibeErrorCodes.FileNotFound or VibeErrorCodes.PathIsDirectory)
        {
            return false;
        }
        if (_writeSequence.GetValueOrDefault(relative) != sequence)
            return false;
        if (_tracked.TryGetValue(relative, out var tracked))
        {
            // The replica is the authority for a followed text file; a file that turned binary stops being followed.
            if (TextDetector.TryDecode(relative, bytes, out _))
                return WriteText(relative, tracked);
            Forget(relative);
        }
        return WriteBytes(relative, bytes);
    }

    IReadOnlyList<string> Delete(string relative, string full)
    {
        var gone = new List<string>();
        _writeSequence[relative] = ++_sequence;
        if (File.Exists(full))
        {
            File.Delete(full);
            gone.Add(relative);
        }
        else if (Directory.Exists(full))
        {
            gone.AddRange(Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                .Select(f => "/" + Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/')));
            Directory.Delete(full, recursive: true);
        }
        foreach (var path in _tracked.Keys.Where(p => p == relative || p.StartsWith(relative + "/", StringComparison.Ordinal)).ToList())
            Forget(path);
        return gone;
    }

    bool WriteText(string relative, TrackedDocument tracked)
    {
        var text = tracked.Doc.GetText(CollabDocument.ContentName).ToString();
        if (text == tracked.Text && Exists(relative))
            return false;
        var known = tracked.Text is not null;
        tracked.Text = text;
        // A followed file changes on every keystroke: once its text is known, a change needs no comparison on disk.
        return WriteBytes(relative, TextDetector.Encode(text), compare: !known);
    }

    /// <summary>Writes through a temporary file and a rename, so npm and esbuild never read half a file.</summary>
    bool WriteBytes(string relative, byte[] bytes, bool compare = true)
    {
        if (FullPath(relative) is not { } full)
            return false;
        if (compare && File.Exists(full))
        {
            var info = new FileInfo(full);
            if (info.Length == bytes.Length && SHA256.HashData(File.ReadAllBytes(full)).AsSpan().SequenceEqual(SHA256.HashData(bytes)))
                return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".vibe-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
        return true;
    }

    sealed class TrackedDocument(Doc doc, DocumentFollower follower)
    {
        public Doc Doc { get; } = doc;
        /// <summary>Frames pushed before the first snapshot wait for it.</summary>
        public DocumentFollower Follower { get; } = follower;
        public string? Text { get; set; }
    }
}
