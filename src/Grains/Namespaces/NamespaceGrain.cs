using Orleans.Streams;
using Vibe.Contracts.Namespaces;
using Vibe.Grains.Blobs;
using Vibe.Grains.Hosting;

namespace Vibe.Grains.Namespaces;

[GenerateSerializer, Alias("vibe.namespace-state")]
public sealed class NamespaceState
{
    /// <summary>The tree index of every mount that keeps one, by absolute path.</summary>
    [Id(0)] public Dictionary<string, IndexEntry> Entries { get; set; } = new(StringComparer.Ordinal);
    [Id(1)] public NamespacePolicy? Policy { get; set; }
}

/// <summary>
/// A project's namespace. The grain holds the index and policy; path resolution, policy checks and file
/// semantics live in <see cref="MountTable"/>, <see cref="PolicyGuard"/> and <see cref="TreeFileService"/>.
/// </summary>
public sealed class NamespaceGrain(
    [PersistentState("namespace", StreamNames.Storage)] IPersistentState<NamespaceState> state,
    IBlobStore blobs,
    TimeProvider time,
    VibeOptions? options = null) : Grain, INamespaceGrain
{
    // A project without its own policy gets the node's configured file size limit (Vibe:MaxFileBytes).
    readonly NamespacePolicy _defaultPolicy = options is null
        ? NamespacePolicy.Default
        : NamespacePolicy.Default with { MaxFileBytes = options.MaxFileBytes };

    MountTable _mounts = null!;
    PolicyGuard _policy = null!;
    readonly List<NamespaceChanged> _pending = [];
    IAsyncStream<ProjectEvent>? _stream;

    string ProjectId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken ct)
    {
        var index = state.State.Entries;
        _policy = new PolicyGuard(() => state.State.Policy ?? _defaultPolicy);
        _mounts = new MountTable()
            .Mount(NamespacePath.Workspace, Tree(index, NamespacePath.Workspace, documents: true))
            .Mount("/logs", Tree(index, "/logs", documents: false));
        _stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<ProjectEvent>(StreamId.Create(StreamNames.Project, ProjectId));
        return Task.CompletedTask;
    }

    TreeFileService Tree(Dictionary<string, IndexEntry> entries, string root, bool documents) => new(
        new FileTreeIndex(entries, root),
        new WorkspaceContentStore(GrainFactory, blobs, ProjectId, documents),
        _ => state.WriteStateAsync(),
        (kind, path, fileKind, from) => _pending.Add(new NamespaceChanged(ProjectId, kind, path, fileKind, from, time.GetUtcNow())),
        time);

    public Task<IReadOnlyList<string>> GetMountsAsync() => Task.FromResult(_mounts.Prefixes);

    public Task<FileEntry> StatAsync(string path) => Reading(path, (s, p) => s.StatAsync(p));

    public Task<FileContent> ReadAsync(string path) => Reading(path, (s, p) => s.ReadAsync(p));

    public Task<IReadOnlyList<FileEntry>> ReadDirAsync(string path) => Reading(path, (s, p) => s.ReadDirAsync(p));

    public Task<IReadOnlyList<FileEntry>> TreeAsync(string path) => Reading(path, (s, p) => s.TreeAsync(p));

    public Task<FileEntry> WriteAsync(string path, byte[] bytes)
    {
        path = NamespacePath.Normalize(path);
        if (bytes is null)
            throw new VibeException(VibeErrorCodes.Validation, "A write needs the file's bytes (an empty file is zero bytes, not none).");
        _policy.CheckSize(path, bytes.LongLength);
        return Writing(path, s => s.WriteAsync(path, bytes));
    }

    public Task<FileEntry> MkdirAsync(string path)
    {
        path = NamespacePath.Normalize(path);
        return Writing(path, s => s.MkdirAsync(path));
    }

    public async Task<FileEntry> RenameAsync(string from, string to)
    {
        from = NamespacePath.Normalize(from);
        to = NamespacePath.Normalize(to);
        // A move reveals the source's content at the target, so the source must be readable too.
        _policy.CheckRead(from);
        _policy.CheckWrite(to);
        var (targetPrefix, _) = _mounts.Resolve(to);
        var (sourcePrefix, _) = _mounts.Resolve(from);
        if (targetPrefix != sourcePrefix)
            throw new VibeException(VibeErrorCodes.PathInvalid, $"{from} and {to} are on different mounts; copy instead of moving.");
        return await Writing(from, s => s.RenameAsync(from, to));
    }

    public Task RemoveAsync(string path)
    {
        path = NamespacePath.Normalize(path);
        return Writing(path, async s => { await s.RemoveAsync(path); return true; });
    }

    /// <summary>
    /// How long size reports gather before the namespace writes its state once for all of them. Every edited
    /// document reports every 10 s, and each report was a write of the whole index (an fsync on SQLite, a pool
    /// thread blocked for it): ten documents being typed in made a burst of ten every 10 s (bench/Collab.Bench).
    /// </summary>
    public static readonly TimeSpan SizeReportWindow = TimeSpan.FromSeconds(5);

    /// <summary>Set while size reports wait to be written (<see cref="SizeReportWindow"/>).</summary>
    IGrainTimer? _sizeReports;

    public Task DocumentEditedAsync(string path, long size, DateTimeOffset modified)
    {
        // Only a document still at that path counts; a report that crossed a delete or a rewrite is dropped.
        if (!state.State.Entries.TryGetValue(path, out var entry) || entry.Content != ContentKind.Document || modified <= entry.Modified)
            return Task.CompletedTask;
        // Stat and tree answer the new size at once; the state is written with the reports that follow. A crash
        // in between loses no text, only this metadata, which the document reports again when it next activates.
        entry.Size = size;
        entry.Modified = modified;
        _sizeReports ??= this.RegisterGrainTimer(WriteSizeReportsAsync, SizeReportWindow, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    async Task WriteSizeReportsAsync(CancellationToken ct)
    {
        _sizeReports?.Dispose();
        _sizeReports = null;
        await state.WriteStateAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        if (_sizeReports is not null)
            await WriteSizeReportsAsync(ct);
    }

    public Task<NamespacePolicy> GetPolicyAsync() => Task.FromResult(state.State.Policy ?? _defaultPolicy);

    public async Task SetPolicyAsync(NamespacePolicy policy)
    {
        if (policy?.Readable is null || policy.Writable is null)
            throw new VibeException(VibeErrorCodes.Validation, "A policy needs its readable and writable path lists (they may be empty).");
        if (policy.MaxFileBytes <= 0)
            throw new VibeException(VibeErrorCodes.Validation, "The policy's maximum file size must be positive.");
        var normalized = policy with
        {
            Readable = policy.Readable.Select(NamespacePath.Normalize).ToList(),
            Writable = policy.Writable.Select(NamespacePath.Normalize).ToList(),
        };
        state.State.Policy = normalized;
        await state.WriteStateAsync();
    }

    public async Task DestroyAsync()
    {
        foreach (var root in _mounts.Prefixes)
        {
            var (_, service) = _mounts.Resolve(root);
            foreach (var child in await service.ReadDirAsync(root))
                await service.RemoveAsync(child.Path);
        }
        // Size reports still waiting would write the cleared state back.
        _sizeReports?.Dispose();
        _sizeReports = null;
        await state.ClearStateAsync();
        _pending.Clear();
        DeactivateOnIdle();
    }

    async Task<T> Reading<T>(string path, Func<IFileService, string, Task<T>> read)
    {
        path = NamespacePath.Normalize(path);
        _policy.CheckRead(path);
        var (_, service) = _mounts.Resolve(path);
        return await read(service, path);
    }

    async Task<T> Writing<T>(string path, Func<IFileService, Task<T>> write)
    {
        _policy.CheckWrite(path);
        var (_, service) = _mounts.Resolve(path);
        try
        {
            return await write(service);
        }
        catch (Exception e) when (e is not VibeException)
        {
            // The in-memory index may be ahead of storage now; reload it on the next call.
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            await PublishPendingAsync();
        }
    }

    /// <summary>Events go out after the index is persisted; a subscriber that misses one re-reads the tree.</summary>
    async Task PublishPendingAsync()
    {
        if (_pending.Count == 0 || _stream is null)
            return;
        var batch = _pending.ToList();
        _pending.Clear();
        foreach (var change in batch)
            await _stream.OnNextAsync(change);
    }
}
