using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Streams;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Preview;
using Vibe.Grains.Hosting;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Preview;

/// <summary>
/// A project's dev server (docs/preview.md) on the silo that activates it. The grain holds the lifecycle
/// (start, status, idle stop) and turns events into HMR messages; the files are <see cref="PreviewWorkspace"/>'s,
/// npm is <see cref="PackageInstaller"/>'s, esbuild runs in <see cref="DevWorker"/>, and what an edit means
/// for the pages is <see cref="ModuleGraph"/>'s. Reentrant so that status calls and edits are served while
/// an install or a transform is awaited; all state is touched on the grain's own scheduler only.
/// </summary>
[Reentrant]
public sealed class PreviewGrain(VibeOptions options, TimeProvider time, ILogger<PreviewGrain> logger) : Grain, IPreviewGrain, IDocumentListener
{
    public static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan TransformTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DepsTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(10);
    /// <summary>How long a request waits for a starting preview: with a transform's 10 s, still under Orleans' 30 s call time-out.</summary>
    static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(15);
    public const int MaxModuleBytes = 8 * 1024 * 1024;
    public const long MaxDepsBytes = 200L * 1024 * 1024;
    const int MaxWarmUpModules = 2000;

    static readonly string[] ManifestFiles = ["/package.json", "/package-lock.json", "/npm-shrinkwrap.json"];
    /// <summary>Text files that matter to the build without being modules: followed from the start, so editor keystrokes reach the disk.</summary>
    static readonly string[] FollowedAtStart =
        ["/index.html", "/package.json", "/package-lock.json", "/npm-shrinkwrap.json", "/vibe.toml", "/tsconfig.json", "/tsconfig.app.json", "/jsconfig.json"];

    PreviewWorkspace _workspace = null!;
    PreviewLog _log = null!;
    ModuleGraph _graph = new();
    DevWorker? _worker;
    readonly PackageInstaller _installer = new();
    IStreamProvider _streams = null!;
    IAsyncStream<PreviewEvent> _previewStream = null!;
    IAsyncStream<ProjectEvent> _projectStream = null!;
    StreamSubscriptionHandle<ProjectEvent>? _projectHandle;
    TaskScheduler _scheduler = null!;

    PreviewStatus _status = null!;
    TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task? _starting;
    Task? _building;
    bool _buildAgain;
    bool _reloadAfterBuild;
    bool _workerFailed;
    readonly List<DateTimeOffset> _crashes = [];
    const int MaxCrashes = 3;
    static readonly TimeSpan CrashWindow = TimeSpan.FromMinutes(5);
    (string Hash, string Code)? _html;
    readonly Dictionary<string, PreviewError> _buildErrors = new(StringComparer.Ordinal);
    DateTimeOffset _lastActivity;
    readonly Dictionary<IPreviewListener, DateTimeOffset> _hmrListeners = [];
    long _hmrSequence;
    long _lastUpdate;
    CancellationTokenSource _lifetime = new();
    IDocumentListener _self = null!;
    /// <summary>Document changes to apply and build, one at a time in the order they were typed (null frame: the text is written already).</summary>
    readonly Queue<(string Path, DocumentFrame? Frame)> _changes = new();
    bool _applying;

    string ProjectId => this.GetPrimaryKeyString();
    string Root => $"/preview/{ProjectId}";

    public override Task OnActivateAsync(CancellationToken ct)
    {
        _scheduler = TaskScheduler.Current;
        _status = new PreviewStatus(PreviewState.Stopped, null, time.GetUtcNow());
        _lastActivity = time.GetUtcNow();
        var safe = PreviewWorkspace.IsSafeName(ProjectId);
        _workspace = new PreviewWorkspace(GrainFactory, ProjectId, Path.Combine(options.FullPreviewDir, safe ? ProjectId : "_invalid"));
        _log = new PreviewLog(GrainFactory, ProjectId, time);
        _streams = this.GetStreamProvider(StreamNames.Provider);
        _previewStream = _streams.GetStream<PreviewEvent>(StreamId.Create(StreamNames.Preview, ProjectId));
        _projectStream = _streams.GetStream<ProjectEvent>(StreamId.Create(StreamNames.Project, ProjectId));
        // Each flush rewrites the log file in the namespace (a new blob): batch a couple of seconds of lines.
        this.RegisterGrainTimer(FlushLogAsync, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        this.RegisterGrainTimer(StopWhenIdleAsync, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        this.RegisterGrainTimer(RenewListeningAsync, DocumentListening.RenewEvery, DocumentListening.RenewEvery);
        _self = this.AsReference<IDocumentListener>();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        await ReleaseAsync();
        await _log.FlushAsync();
    }

    public Task<PreviewStatus> StartAsync()
    {
        Touch();
        if (!PreviewWorkspace.IsSafeName(ProjectId))
            throw new VibeException(VibeErrorCodes.Validation, $"'{ProjectId}' is not a project id a preview can use.");
        EnsureStarted();
        // An explicit start retries a worker that gave up (not a failed install: that waits for package.json to change).
        if (_status.State == PreviewState.Error && _workerFailed && _building is not { IsCompleted: false })
        {
            _crashes.Clear();
            _ = RequestBuildAsync(reloadPages: true);
        }
        return Task.FromResult(_status);
    }

    /// <summary>Also what keeps a preview alive: a web node holding HMR sockets asks at least once a minute.</summary>
    public Task<PreviewStatus> GetStatusAsync()
    {
        Touch();
        return Task.FromResult(_status);
    }

    public Task<IReadOnlyList<string>> ConnectAsync()
    {
        Touch();
        if (PreviewWorkspace.IsSafeName(ProjectId))
            EnsureStarted();
        var messages = new List<string> { HmrMessages.Status(_status) };
        if (_buildErrors.Values.FirstOrDefault() is { } error)
            messages.Add(HmrMessages.Error(error));
        return Task.FromResult<IReadOnlyList<string>>(messages);
    }

    public async Task ReportRuntimeErrorAsync(PreviewError error)
    {
        Touch();
        if (error is null || string.IsNullOrWhiteSpace(error.Message))
            throw new VibeException(VibeErrorCodes.Validation, "A runtime error needs a message.");
        error = error with
        {
            Message = Clip(error.Message, 4000)!,
            File = Clip(error.File, 1000),
            Frame = Clip(error.Frame, 8000),
        };
        _log.Preview($"runtime error {Place(error)}: {error.Message}");
        await PublishProjectAsync(new PreviewErrorReported(ProjectId, "runtime", error));
    }

    public async Task StopAsync()
    {
        await ReleaseAsync();
        await SetStatusAsync(PreviewState.Stopped, null);
        await _log.FlushAsync();
        DeactivateOnIdle();
    }

    public async Task<PreviewAsset> GetAssetAsync(string path, string query)
    {
        Touch();
        if (!PreviewRequest.TryParse(path, query, out var request, out var refusal))
        {
            _log.Preview($"400 {Clip(path, 200)}: {refusal}");
            return Text(400, refusal);
        }
        if (!PreviewWorkspace.IsSafeName(ProjectId))
            return Text(400, "Not a project id a preview can use.");
        try
        {
            if (request.IsHidden)
                return NotFound(request.Path);
            EnsureStarted();
            await WaitSettledAsync();
            return request.Kind switch
            {
                PreviewAssetKind.EntryHtml => await EntryHtmlAsync(),
                PreviewAssetKind.Module => await ModuleAsync(request.Path, ModuleGraph.ModuleTransform, "text/javascript; charset=utf-8"),
                PreviewAssetKind.ImportModule => await ModuleAsync(request.Path, ModuleGraph.ModuleTransform, "text/javascript; charset=utf-8"),
                PreviewAssetKind.RawCss => await ModuleAsync(request.Path, ModuleGraph.CssTransform, "text/css; charset=utf-8"),
                PreviewAssetKind.Dependency => FileAnswer(request.FilePath, request.Path),
                PreviewAssetKind.Toolchain => ToolchainAnswer(request.Path),
                _ => FileAnswer(request.FilePath, request.Path),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Preview {Project} failed to answer {Path}", ProjectId, request.Path);
            _log.Preview($"500 {request.Path}: {e.Message}");
            return Text(500, e.Message);
        }
    }

    // ---- lifecycle -------------------------------------------------------------------------------------

    void Touch() => _lastActivity = time.GetUtcNow();

    /// <summary>Pages run the app only after the first start's build; before it they show the self-refreshing status page.</summary>
    bool PagesMayBeOpen => _starting is null;

    void EnsureStarted()
    {
        if (_status.State == PreviewState.Stopped && _starting is null)
            _starting = RunStartAsync();
    }

    async Task RunStartAsync()
    {
        var lifetime = _lifetime.Token;
        try
        {
            await SetStatusAsync(PreviewState.Building, "Preparing the workspace");
            _graph = new ModuleGraph();
            _html = null;
            _buildErrors.Clear();
            await SubscribeProjectAsync();
            var written = await _workspace.MaterialiseAsync();
            _log.Build($"workspace ready in {_workspace.Root} ({written} files written)");
            foreach (var file in FollowedAtStart)
            {
                if (_workspace.ReadText(file) is not null)
                    await _workspace.TrackAsync(file, _self, time.GetUtcNow());
            }
            // Stopped meanwhile: no install for a preview nobody wants any more.
            lifetime.ThrowIfCancellationRequested();
            await RequestBuildAsync(reloadPages: false);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Preview {Project} failed to start", ProjectId);
            _log.Build($"start failed: {e.Message}");
            await SetStatusAsync(PreviewState.Error, e.Message);
        }
        finally
        {
            _starting = null;
        }
    }

    /// <summary>Install (when package.json or the lock changed), then pre-bundle deps and warm the graph; builds never overlap.</summary>
    Task RequestBuildAsync(bool reloadPages)
    {
        _buildAgain = true;
        _reloadAfterBuild |= reloadPages;
        if (_building is null || _building.IsCompleted)
            _building = BuildLoopAsync();
        return _building;
    }

    async Task BuildLoopAsync()
    {
        while (_buildAgain)
        {
            _buildAgain = false;
            await BuildOnceAsync();
        }
        if (_reloadAfterBuild && _status.State == PreviewState.Ready)
        {
            _reloadAfterBuild = false;
            await PublishHmrAsync(HmrMessages.FullReload("dependencies changed"));
        }
    }

    async Task BuildOnceAsync()
    {
        if (_status.State == PreviewState.Stopped || _lifetime.IsCancellationRequested)
            return;
        try
        {
            if (!PackageInstaller.IsCurrent(_workspace.Root))
            {
                await SetStatusAsync(PreviewState.Installing, "Installing npm packages");
                var result = await _installer.EnsureAsync(_workspace.Root, options.FullNpmCacheDir, InstallTimeout, _log.Build, _lifetime.Token);
                if (!result.Ok)
                {
                    var error = new PreviewError(result.Error ?? "npm failed.", "/package.json", null, null, null);
                    _log.Build($"install failed: {error.Message}");
                    await SetStatusAsync(PreviewState.Error, error.Message);
                    await PublishProjectAsync(new PreviewErrorReported(ProjectId, "build", error));
                    return;
                }
            }
            await SetStatusAsync(PreviewState.Building, "Pre-bundling dependencies");
            // The worker keeps the deps map (and reads it back from .vibe/deps after a restart).
            await RunDepsAsync(Worker());
            _workerFailed = false;
            await WarmUpAsync();
            await SetStatusAsync(PreviewState.Ready, null);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Stopped while installing: npm was killed with it.
        }
        catch (Exception e)
        {
            // Whatever went wrong (npm, node, the disk) is the preview's status, never the silo's problem.
            if (e is not (DevWorkerException or PreviewBuildException))
                logger.LogWarning(e, "Preview {Project} failed to build", ProjectId);
            _log.Build($"build failed: {e.Message}");
            await SetStatusAsync(PreviewState.Error, e.Message);
            await PublishProjectAsync(new PreviewErrorReported(ProjectId, "build", new PreviewError(e.Message, null, null, null, null)));
        }
    }

    DevWorker Worker()
    {
        if (_worker is not null)
            return _worker;
        var worker = new DevWorker(PreviewToolchain.WorkerScript, _workspace.Root, _log.Build);
        worker.Exited += reason => _ = Task.Factory.StartNew(() => OnWorkerExitedAsync(reason), CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap();
        _worker = worker;
        return worker;
    }

    async Task RunDepsAsync(DevWorker worker)
    {
        var answer = await worker.RequestAsync(new JsonObject { ["op"] = "deps", ["root"] = Root, ["entry"] = "index.html" }, DepsTimeout);
        if (answer.TryGetProperty("error", out var error))
            throw new PreviewBuildException(HmrMessages.ParseError(error, "/index.html").Message);
        var deps = Path.Combine(_workspace.Root, ".vibe", "deps");
        if (Directory.Exists(deps))
        {
            var size = Directory.EnumerateFiles(deps, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            if (size > MaxDepsBytes)
                throw new PreviewBuildException($"The pre-bundled dependencies take {size / (1024 * 1024)} MiB, over the {MaxDepsBytes / (1024 * 1024)} MiB limit.");
        }
        var count = answer.TryGetProperty("deps", out var map) && map.ValueKind == JsonValueKind.Object ? map.EnumerateObject().Count() : 0;
        var ms = answer.TryGetProperty("ms", out var took) && took.TryGetDouble(out var t) ? t : 0;
        _log.Build($"pre-bundled {count} dependencies in {ms:0} ms");
        if (answer.TryGetProperty("unresolved", out var unresolved) && unresolved.ValueKind == JsonValueKind.Array && unresolved.GetArrayLength() > 0)
            _log.Build($"imported but not installed: {string.Join(", ", unresolved.EnumerateArray().Select(u => u.ToString()))}");
    }

    /// <summary>
    /// The worker died on its own: show it, then build again (a fresh worker) so the pages come back by
    /// themselves; after <see cref="MaxCrashes"/> deaths within <see cref="CrashWindow"/> it stays an error
    /// until someone starts the preview again, instead of crash-looping node on the silo.
    /// </summary>
    async Task OnWorkerExitedAsync(string reason)
    {
        _log.Build(reason);
        logger.LogWarning("Preview worker of {Project} exited: {Reason}", ProjectId, reason);
        if (_status.State is not (PreviewState.Ready or PreviewState.Building))
            return;
        var now = time.GetUtcNow();
        _crashes.RemoveAll(t => now - t > CrashWindow);
        _crashes.Add(now);
        _workerFailed = true;
        if (_crashes.Count > MaxCrashes)
        {
            await SetStatusAsync(PreviewState.Error, $"{reason} (it died {_crashes.Count} times in {CrashWindow.TotalMinutes:0} min; start the preview again to retry)");
            return;
        }
        await SetStatusAsync(PreviewState.Error, reason);
        _ = RequestBuildAsync(reloadPages: true);
    }

    async Task ReleaseAsync()
    {
        // A running npm dies with the preview; the next start installs again.
        await _lifetime.CancelAsync();
        _lifetime.Dispose();
        _lifetime = new CancellationTokenSource();
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
            _worker = null;
        }
        _changes.Clear();
        await _workspace.UntrackAllAsync();
        if (_projectHandle is not null)
        {
            try
            {
                await _projectHandle.UnsubscribeAsync();
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Unsubscribing preview {Project} failed", ProjectId);
            }
            _projectHandle = null;
        }
        _graph = new ModuleGraph();
        _buildErrors.Clear();
    }

    async Task StopWhenIdleAsync(CancellationToken ct)
    {
        if (_status.State == PreviewState.Stopped || time.GetUtcNow() - _lastActivity < IdleAfter)
            return;
        _log.Preview($"no request for {IdleAfter.TotalMinutes:0} min: stopping");
        await StopAsync();
    }

    Task FlushLogAsync(CancellationToken ct) => _log.HasPending ? _log.FlushAsync() : Task.CompletedTask;

    async Task SubscribeProjectAsync()
    {
        if (_projectHandle is not null)
            return;
        // Handles left by an activation that died with its silo would deliver to nobody; drop them first.
        foreach (var stale in await _projectStream.GetAllSubscriptionHandles())
            await stale.UnsubscribeAsync();
        _projectHandle = await _projectStream.SubscribeAsync((e, _) => e is NamespaceChanged change ? OnNamespaceChangedAsync(change) : Task.CompletedTask);
    }

    async Task SetStatusAsync(PreviewState state, string? message)
    {
        if (_status.State == state && _status.Message == message)
            return;
        _status = new PreviewStatus(state, message, time.GetUtcNow());
        if (state is PreviewState.Ready or PreviewState.Error or PreviewState.Stopped)
        {
            _settled.TrySetResult();
        }
        else if (_settled.Task.IsCompleted)
        {
            _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        await PublishPreviewAsync(new PreviewStatusChanged(ProjectId, _status));
        await PublishHmrAsync(HmrMessages.Status(_status));
    }

    async Task WaitSettledAsync()
    {
        if (_status.State is PreviewState.Ready or PreviewState.Error)
            return;
        try
        {
            await _settled.Task.WaitAsync(RequestWait);
        }
        catch (TimeoutException)
        {
            // Answer with the status instead of letting the caller's grain call time out.
        }
    }

    // ---- changes ----------------------------------------------------------------------------------------

    async Task OnNamespaceChangedAsync(NamespaceChanged change)
    {
        if (_status.State == PreviewState.Stopped)
            return;
        try
        {
            var changed = await _workspace.ApplyAsync(change);
            foreach (var path in changed)
                await OnFileChangedAsync(path);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Preview {Project} could not apply {Change}", ProjectId, change);
            _log.Preview($"could not apply {change.Kind} {change.Path}: {e.Message}");
        }
    }

    public Task ListenAsync(IPreviewListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        // Not activity: IDE tabs listen too; open HMR sockets keep the preview alive with GetStatusAsync.
        _hmrListeners[listener] = time.GetUtcNow() + DocumentListening.Lease;
        return Task.CompletedTask;
    }

    public Task UnlistenAsync(IPreviewListener listener)
    {
        _hmrListeners.Remove(listener);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Forgets web nodes that stopped renewing their HMR listeners, and renews this grain's listener on every
    /// document it follows (catching up from a snapshot when the document was activated anew or a frame was lost).
    /// </summary>
    async Task RenewListeningAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (listener, until) in _hmrListeners.ToArray())
        {
            if (until < now)
                _hmrListeners.Remove(listener);
        }
        foreach (var path in _workspace.TrackedPaths)
        {
            try
            {
                if (await _workspace.RenewAsync(path, now, DocumentListening.LostFramePatience))
                    Enqueue(path, null);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Preview {Project} could not renew its listener on {Path}; retrying", ProjectId, path);
            }
        }
        if (!_applying && _changes.Count > 0)
            await ApplyChangesAsync();
    }

    /// <summary>
    /// A frame pushed by a document this preview follows. Pushes can overtake each other: the workspace puts
    /// them back in order, and they are applied and built one at a time, so the pages get one update per
    /// keystroke in the order it was typed.
    /// </summary>
    public Task OnFrameAsync(DocumentFrame frame)
    {
        if (_status.State == PreviewState.Stopped)
            return Task.CompletedTask;
        foreach (var (path, ready) in _workspace.Arrange(frame, time.GetUtcNow()))
            Enqueue(path, ready);
        return _applying ? Task.CompletedTask : ApplyChangesAsync();
    }

    void Enqueue(string path, DocumentFrame? frame) => _changes.Enqueue((path, frame));

    async Task ApplyChangesAsync()
    {
        _applying = true;
        try
        {
            while (_changes.TryDequeue(out var change))
                await OnDocumentChangedAsync(change.Path, change.Frame);
        }
        finally
        {
            _applying = false;
        }
    }

    async Task OnDocumentChangedAsync(string path, DocumentFrame? frame)
    {
        if (_status.State == PreviewState.Stopped)
            return;
        try
        {
            if (frame is null || _workspace.ApplyFrame(path, frame))
                await OnFileChangedAsync(path);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Preview {Project} could not apply an update of {Path}", ProjectId, path);
            _log.Preview($"could not apply an update of {path}: {e.Message}");
        }
    }

    /// <summary>One file's content changed (or it went away): re-transform it alone and tell the pages what that means.</summary>
    async Task OnFileChangedAsync(string path)
    {
        if (ManifestFiles.Contains(path))
        {
            // Before the start reaches its build, that build sees the file anyway.
            if (_starting is not null && _building is null)
                return;
            if (!PackageInstaller.IsCurrent(_workspace.Root))
                _ = RequestBuildAsync(reloadPages: PagesMayBeOpen);
            return;
        }
        if (_status.State is not (PreviewState.Ready or PreviewState.Error) || _starting is not null)
        {
            _log.Preview($"hmr {path}: changed while the preview is {HmrMessages.StatusName(_status.State)}");
            return;
        }
        if (IsCompilerSettings(path))
        {
            // tsconfig decides JSX options and path aliases: every module may compile and resolve differently.
            _graph.InvalidateAll();
            _html = null;
            await PublishDecisionAsync(path, new HmrDecision.FullReload($"{path} changed"));
            return;
        }
        if (path == _graph.EntryHtml)
        {
            _html = null;
            var (_, error) = await RenderEntryAsync();
            if (error is null)
                await PublishDecisionAsync(path, _graph.PropagateChange(path));
            return;
        }
        if (!_workspace.Exists(path))
        {
            // Its importers now fail to resolve it: transform them again so the page shows why.
            await ClearBuildErrorAsync(path);
            foreach (var importer in _graph.Remove(path))
                await OnFileChangedAsync(importer);
            return;
        }
        if (!_graph.Contains(path))
        {
            await PublishDecisionAsync(path, HmrDecision.None);
            // A new file may be what a failing import was missing: those modules get another try.
            foreach (var failed in _buildErrors.Keys.Where(p => p != path && _graph.Contains(p)).ToList())
            {
                _graph.Invalidate(failed);
                await RebuildModuleAsync(failed);
            }
            return;
        }
        await RebuildModuleAsync(path);
    }

    static bool IsCompilerSettings(string path) =>
        path.LastIndexOf('/') == 0 && path.StartsWith("/tsconfig", StringComparison.Ordinal) && path.EndsWith(".json", StringComparison.Ordinal)
        || path is "/jsconfig.json";

    /// <summary>Transforms one module of the graph again (every kind it was served as) and publishes what that means.</summary>
    async Task RebuildModuleAsync(string path)
    {
        if (_graph.Get(path) is not { } node)
            return;
        var kinds = node.Transforms.Keys.ToList();
        if (kinds.Count == 0)
            kinds.Add(ModuleGraph.IsCss(path) && node.IsEntry && node.Importers.Count == 0 ? ModuleGraph.CssTransform : ModuleGraph.ModuleTransform);
        foreach (var kind in kinds)
        {
            var (output, error, _) = await TransformCurrentAsync(path, kind);
            if (output is null || error is not null)
                return;
        }
        await PublishDecisionAsync(path, _graph.PropagateChange(path));
    }

    async Task PublishDecisionAsync(string path, HmrDecision decision)
    {
        switch (decision)
        {
            case HmrDecision.Update update:
            {
                // Strictly increasing: two updates in one millisecond must not share a URL the browser has cached.
                var t = _lastUpdate = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastUpdate + 1);
                _graph.MarkUpdated(update.Invalidated, t);
                var modules = update.Boundaries.Select(b => (b, UpdateUrl(b))).ToList();
                _log.Preview($"hmr {path}: update {string.Join(", ", update.Boundaries)}");
                await PublishHmrAsync(HmrMessages.Update(modules, t));
                break;
            }
            case HmrDecision.FullReload reload:
                _log.Preview($"hmr {path}: full reload ({reload.Reason})");
                await PublishHmrAsync(HmrMessages.FullReload(reload.Reason));
                break;
            default:
                _log.Preview($"hmr {path}: no page loads it");
                break;
        }
    }

    /// <summary>
    /// The URL a page re-imports for a boundary. A stylesheet only the entry HTML links keeps its plain URL,
    /// so the client swaps the &lt;link&gt;; one imported by a module is its <c>?import</c> module.
    /// </summary>
    string UpdateUrl(string path)
    {
        if (!ModuleGraph.IsCss(path))
            return Root + path;
        var linkedOnly = _graph.Get(path) is { IsEntry: true, Importers.Count: 0 };
        return Root + path + (linkedOnly ? "" : "?import");
    }

    // ---- transforms and answers -------------------------------------------------------------------------

    /// <summary>The transform of a file's current text: from the cache when the text is unchanged, else from the worker.</summary>
    async Task<(TransformOutput? Output, PreviewError? Error, bool Missing)> TransformCurrentAsync(string path, string kind)
    {
        var bytes = _workspace.ReadBytes(path);
        if (bytes is null)
            return (null, null, true);
        var text = _workspace.ReadText(path);
        var code = text ?? "";
        var hash = Hash(text is null ? bytes : Encoding.UTF8.GetBytes(text));
        if (_graph.Cached(path, kind, hash) is { } cached)
        {
            // Back to a text that built before (an error undone): the error is gone with it.
            await ClearBuildErrorAsync(path);
            return (cached.Output, null, false);
        }

        JsonElement answer;
        try
        {
            answer = await Worker().RequestAsync(
                new JsonObject { ["op"] = "transform", ["root"] = Root, ["path"] = path, ["code"] = code, ["as"] = kind },
                TransformTimeout);
            if (_workerFailed)
            {
                _workerFailed = false;
                await SetStatusAsync(PreviewState.Ready, null);
            }
        }
        catch (DevWorkerException e)
        {
            var failure = new PreviewError(e.Message, path, null, null, null);
            if (StillCurrent())
                await ReportBuildErrorAsync(path, failure);
            return (null, failure, false);
        }
        if (answer.TryGetProperty("error", out var errorElement))
        {
            // An error of a text already replaced (a keystroke that fixed it is on its way) is not shown.
            var error = HmrMessages.ParseError(errorElement, path);
            if (StillCurrent())
                await ReportBuildErrorAsync(path, error);
            return (null, error, false);
        }
        var output = ParseTransform(answer);
        if (Encoding.UTF8.GetByteCount(output.Code) > MaxModuleBytes)
        {
            var error = new PreviewError($"{path} compiles to more than {MaxModuleBytes / (1024 * 1024)} MiB.", path, null, null, null);
            await ReportBuildErrorAsync(path, error);
            return (null, error, false);
        }
        // A newer edit may have landed while the worker ran; only the current text's transform is kept.
        if (StillCurrent())
        {
            _graph.Record(path, kind, hash, output);
            await ClearBuildErrorAsync(path);
        }
        if (text is not null && !_workspace.IsTracked(path) && await _workspace.TrackAsync(path, _self, time.GetUtcNow()))
            _ = OnFileChangedAsync(path);
        if (output.MissingDeps.Count > 0)
        {
            _log.Build($"new dependencies imported ({string.Join(", ", output.MissingDeps)}): pre-bundling again");
            _ = RequestBuildAsync(reloadPages: PagesMayBeOpen);
        }
        return (output, null, false);

        bool StillCurrent() => (_workspace.ReadText(path) is { } now ? Hash(Encoding.UTF8.GetBytes(now)) : Hash(_workspace.ReadBytes(path) ?? [])) == hash;
    }

    static TransformOutput ParseTransform(JsonElement answer)
    {
        var code = answer.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : "";
        var imports = new List<ModuleImport>();
        if (answer.TryGetProperty("imports", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                string? Text(string name) => item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                if (Text("url") is { } url)
                    imports.Add(new ModuleImport(Text("specifier") ?? url, url, Text("kind") ?? "module", Text("path")));
            }
        }
        var selfAccepting = answer.TryGetProperty("selfAccepting", out var s) && s.ValueKind == JsonValueKind.True;
        var missing = answer.TryGetProperty("missingDeps", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        return new TransformOutput(code, imports, selfAccepting, missing);
    }

    async Task ReportBuildErrorAsync(string path, PreviewError error)
    {
        if (_buildErrors.TryGetValue(path, out var known) && known == error)
            return;
        _buildErrors[path] = error;
        _log.Build($"error {Place(error)}: {error.Message}");
        await PublishHmrAsync(HmrMessages.Error(error));
        await PublishProjectAsync(new PreviewErrorReported(ProjectId, "build", error));
    }

    async Task ClearBuildErrorAsync(string path)
    {
        if (!_buildErrors.Remove(path))
            return;
        _log.Build($"fixed {path}");
        // One overlay per page: show the next error if another file is still broken.
        if (_buildErrors.Values.FirstOrDefault() is { } next)
            await PublishHmrAsync(HmrMessages.Error(next));
        else
            await PublishHmrAsync(HmrMessages.ErrorCleared());
    }

    /// <summary>Transforms what the entry HTML loads and everything it imports, so the graph is whole before the first page asks.</summary>
    async Task WarmUpAsync()
    {
        if (_workspace.ReadText(_graph.EntryHtml) is not { } html)
            return;
        _html = null;
        await RenderEntryAsync();
        var references = EntryHtml.References(html);
        var queue = new Queue<(string Path, string Kind)>(references.Select(r => (r.Path, r.Stylesheet ? ModuleGraph.CssTransform : ModuleGraph.ModuleTransform)));
        foreach (var inline in _graph.Modules.Where(m => m.IsEntry && !references.Any(r => r.Path == m.Path)).Select(m => m.Path).ToList())
            queue.Enqueue((inline, ModuleGraph.ModuleTransform));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (queue.TryDequeue(out var next) && seen.Count < MaxWarmUpModules)
        {
            if (!seen.Add(next.Kind + next.Path))
                continue;
            var (output, _, _) = await TransformCurrentAsync(next.Path, next.Kind);
            if (output is null || next.Kind != ModuleGraph.ModuleTransform)
                continue;
            foreach (var import in output.Imports)
            {
                if (import.Path is { } imported && PreviewRequest.TryParse(imported, "", out _, out _))
                    queue.Enqueue((imported, ModuleGraph.ModuleTransform));
            }
        }
        _log.Build($"transformed {seen.Count} modules in {started.ElapsedMilliseconds} ms");
    }

    async Task<PreviewAsset> EntryHtmlAsync()
    {
        if (_status.State != PreviewState.Ready)
            return StatusPage();
        if (_workspace.ReadText(_graph.EntryHtml) is null)
            return NotFound("/index.html");
        var (code, error) = await RenderEntryAsync();
        return error is not null
            ? Text(500, $"{Place(error)}: {error.Message}")
            : Answer(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(code!));
    }

    /// <summary>
    /// The entry HTML as served (from the worker's html op, cached by the text's hash). Its module scripts,
    /// stylesheets and what its inline module scripts import become the graph's entries.
    /// </summary>
    async Task<(string? Code, PreviewError? Error)> RenderEntryAsync()
    {
        if (_workspace.ReadText(_graph.EntryHtml) is not { } html)
            return (null, null);
        var hash = Hash(Encoding.UTF8.GetBytes(html));
        if (_html is { } cached && cached.Hash == hash)
            return (cached.Code, null);
        JsonElement answer;
        try
        {
            answer = await Worker().RequestAsync(new JsonObject { ["op"] = "html", ["root"] = Root, ["code"] = html, ["path"] = _graph.EntryHtml }, TransformTimeout);
        }
        catch (DevWorkerException e)
        {
            return (null, new PreviewError(e.Message, _graph.EntryHtml, null, null, null));
        }
        if (answer.TryGetProperty("error", out var errorElement))
        {
            var error = HmrMessages.ParseError(errorElement, _graph.EntryHtml);
            await ReportBuildErrorAsync(_graph.EntryHtml, error);
            return (null, error);
        }
        await ClearBuildErrorAsync(_graph.EntryHtml);
        var rendered = ParseTransform(answer);
        var inline = rendered.Imports.Where(i => i.Path is not null).Select(i => i.Path!);
        _graph.SetEntries(EntryHtml.References(html).Select(r => r.Path).Concat(inline));
        if (rendered.MissingDeps.Count > 0)
            _ = RequestBuildAsync(reloadPages: PagesMayBeOpen);
        _html = (hash, rendered.Code);
        return (rendered.Code, null);
    }

    async Task<PreviewAsset> ModuleAsync(string path, string kind, string contentType)
    {
        if (_status.State != PreviewState.Ready)
            return Text(503, $"The preview is {HmrMessages.StatusName(_status.State)}" + (_status.Message is { } m ? $": {m}" : "."));
        var (output, error, missing) = await TransformCurrentAsync(path, kind);
        if (missing)
            return NotFound(path);
        if (error is not null || output is null)
        {
            _log.Preview($"500 {path}: {error?.Message}");
            return Text(500, $"{Place(error!)}: {error!.Message}");
        }
        return Answer(200, contentType, Encoding.UTF8.GetBytes(_graph.WithTimestamps(output)));
    }

    PreviewAsset FileAnswer(string file, string requested)
    {
        var bytes = _workspace.ReadBytes(file);
        return bytes is null ? NotFound(requested) : Answer(200, PreviewRequest.ContentTypeOf(file), bytes);
    }

    PreviewAsset ToolchainAnswer(string path)
    {
        var name = path["/@vibe/".Length..];
        if (PreviewToolchain.ClientFile(name) is not { } file)
            return NotFound(path);
        return Answer(200, "text/javascript; charset=utf-8", File.ReadAllBytes(file));
    }

    /// <summary>What the entry URL shows before the app can: a page that retries by itself.</summary>
    PreviewAsset StatusPage()
    {
        var state = HmrMessages.StatusName(_status.State);
        var message = System.Net.WebUtility.HtmlEncode(_status.Message ?? "");
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
            <title>Preview {state}</title></head>
            <body style="font-family:system-ui,sans-serif;padding:2rem"><h1>Preview {state}</h1><pre style="white-space:pre-wrap">{message}</pre></body></html>
            """;
        return Answer(_status.State == PreviewState.Error ? 500 : 503, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));
    }

    PreviewAsset NotFound(string path)
    {
        _log.Preview($"404 {path}");
        return Text(404, $"{path} is not part of this preview.");
    }

    static PreviewAsset Text(int status, string message) =>
        Answer(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message));

    static PreviewAsset Answer(int status, string contentType, byte[] body) =>
        new(status, contentType, body, status == 200 ? $"\"{Hash(body)[..20]}\"" : null);

    static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];

    static string Place(PreviewError error) =>
        (error.File ?? "?") + (error.Line is { } line ? $":{line}" + (error.Column is { } column ? $":{column}" : "") : "");

    static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max] + "…";

    /// <summary>Pushes the message to every listening web node, then publishes it on the stream for the rest.</summary>
    async Task PublishHmrAsync(string json)
    {
        _hmrSequence = Math.Max(_hmrSequence + 1, time.GetUtcNow().UtcTicks);
        var message = new PreviewHmr(ProjectId, json, _hmrSequence);
        foreach (var listener in _hmrListeners.Keys)
        {
            try
            {
                _ = listener.OnHmrAsync(message);
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Pushing an HMR message of {Project} failed", ProjectId);
            }
        }
        await PublishPreviewAsync(message);
    }

    async Task PublishPreviewAsync(PreviewEvent e)
    {
        try
        {
            await _previewStream.OnNextAsync(e);
        }
        catch (Exception ex)
        {
            // Pages that miss a message recover on reconnect (ConnectAsync); the preview goes on.
            logger.LogWarning(ex, "Publishing on preview/{Project} failed", ProjectId);
        }
    }

    async Task PublishProjectAsync(ProjectEvent e)
    {
        try
        {
            await _projectStream.OnNextAsync(e);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Publishing on project/{Project} failed", ProjectId);
        }
    }
}

/// <summary>The build cannot go on (deps over their limit, the worker refused the entry).</summary>
public sealed class PreviewBuildException(string message) : Exception(message);
