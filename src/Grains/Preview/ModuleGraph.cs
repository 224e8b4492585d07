namespace Vibe.Grains.Preview;

/// <summary>One import of a transformed module as the worker reports it (docs/preview.md, worker protocol).</summary>
public sealed record ModuleImport(string Specifier, string Url, string Kind, string? Path);

/// <summary>What the worker made of one file: the JS (or CSS), its imports, and whether it accepts its own updates.</summary>
public sealed record TransformOutput(
    string Code,
    IReadOnlyList<ModuleImport> Imports,
    bool SelfAccepting,
    IReadOnlyList<string> MissingDeps);

/// <summary>A transform kept for the text whose hash it was made from.</summary>
public sealed record CachedTransform(string TextHash, TransformOutput Output);

/// <summary>The outcome of a change for the pages: nothing, an update of some modules, or a reload.</summary>
public abstract record HmrDecision
{
    public static readonly HmrDecision None = new Nothing();

    public sealed record Nothing : HmrDecision;

    /// <param name="Boundaries">The modules the page re-imports (each accepts its own update).</param>
    /// <param name="Invalidated">Every module between the change and the boundaries: their old code is stale.</param>
    public sealed record Update(IReadOnlyList<string> Boundaries, IReadOnlyList<string> Invalidated) : HmrDecision;

    public sealed record FullReload(string Reason) : HmrDecision;
}

/// <summary>One module of the preview: who imports it, what it imports, its cached transforms.</summary>
public sealed class ModuleNode(string path)
{
    public string Path { get; } = path;
    public HashSet<string> Importers { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Importees { get; } = new(StringComparer.Ordinal);
    public bool SelfAccepting { get; set; }
    /// <summary>Loaded by the entry HTML itself (a module script or a stylesheet link).</summary>
    public bool IsEntry { get; set; }
    /// <summary>When the module's code last changed under a running page (ms); imports of it carry <c>?t=</c> from then on.</summary>
    public long LastUpdate { get; set; }
    /// <summary>By transform kind (<c>module</c>, <c>css</c>).</summary>
    public Dictionary<string, CachedTransform> Transforms { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The preview's module graph (URL path → module). It decides what an edit means for the pages: walk the
/// importers from the changed module to the nearest modules that accept their own update (React component
/// modules, CSS); if some path reaches a module nobody accepts for (an entry script), the page reloads.
/// Plain data, no I/O: the grain feeds it transform results and asks it about changes.
/// </summary>
public sealed class ModuleGraph
{
    public const string ModuleTransform = "module";
    public const string CssTransform = "css";

    readonly Dictionary<string, ModuleNode> _nodes = new(StringComparer.Ordinal);

    public ModuleGraph(string entryHtml = "/index.html") => EntryHtml = entryHtml;

    /// <summary>The entry HTML's path; a change to it reloads every page.</summary>
    public string EntryHtml { get; }

    public IReadOnlyCollection<ModuleNode> Modules => _nodes.Values;

    public bool Contains(string path) => _nodes.ContainsKey(path);

    public ModuleNode? Get(string path) => _nodes.GetValueOrDefault(path);

    /// <summary>CSS always accepts its own update: the page swaps the stylesheet.</summary>
    public static bool IsCss(string path) => path.EndsWith(".css", StringComparison.OrdinalIgnoreCase);

    ModuleNode Ensure(string path)
    {
        if (!_nodes.TryGetValue(path, out var node))
        {
            node = new ModuleNode(path) { SelfAccepting = IsCss(path) };
            _nodes[path] = node;
        }
        return node;
    }

    /// <summary>The modules the entry HTML loads directly; replaces the previous set.</summary>
    public void SetEntries(IEnumerable<string> paths)
    {
        var entries = paths.ToHashSet(StringComparer.Ordinal);
        foreach (var node in _nodes.Values)
            node.IsEntry = entries.Contains(node.Path);
        foreach (var path in entries)
            Ensure(path).IsEntry = true;
    }

    /// <summary>The cached transform of <paramref name="path"/> when it was made from the text with <paramref name="textHash"/>.</summary>
    public CachedTransform? Cached(string path, string kind, string textHash) =>
        _nodes.TryGetValue(path, out var node) && node.Transforms.TryGetValue(kind, out var cached) && cached.TextHash == textHash
            ? cached
            : null;

    /// <summary>
    /// Records a transform. A module transform also sets the module's importees (and their importers) and
    /// whether it accepts its own update. Returns true when the set of imported modules changed.
    /// </summary>
    public bool Record(string path, string kind, string textHash, TransformOutput output)
    {
        var node = Ensure(path);
        node.Transforms[kind] = new CachedTransform(textHash, output);
        if (kind != ModuleTransform)
            return false;
        node.SelfAccepting = output.SelfAccepting || IsCss(path);
        var imported = output.Imports.Where(i => i.Path is not null).Select(i => i.Path!).ToHashSet(StringComparer.Ordinal);
        if (imported.SetEquals(node.Importees))
            return false;
        foreach (var gone in node.Importees.Except(imported).ToList())
        {
            if (_nodes.TryGetValue(gone, out var old))
                old.Importers.Remove(path);
        }
        foreach (var added in imported)
            Ensure(added).Importers.Add(path);
        node.Importees.Clear();
        node.Importees.UnionWith(imported);
        return true;
    }

    /// <summary>Forgets the cached transforms of a module whose text is gone or unknown; its edges stay until it is re-transformed or removed.</summary>
    public void Invalidate(string path)
    {
        if (_nodes.TryGetValue(path, out var node))
            node.Transforms.Clear();
    }

    /// <summary>Forgets every cached transform (compiler settings changed: any module may compile differently).</summary>
    public void InvalidateAll()
    {
        foreach (var node in _nodes.Values)
            node.Transforms.Clear();
    }

    /// <summary>Removes a deleted module; returns the modules that imported it (they must be transformed again).</summary>
    public IReadOnlyList<string> Remove(string path)
    {
        if (!_nodes.Remove(path, out var node))
            return [];
        foreach (var importee in node.Importees)
        {
            if (_nodes.TryGetValue(importee, out var child))
                child.Importers.Remove(path);
        }
        foreach (var importer in node.Importers)
        {
            if (_nodes.TryGetValue(importer, out var parent))
            {
                parent.Importees.Remove(path);
                parent.Transforms.Clear();
            }
        }
        return node.Importers.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// What a change of <paramref name="path"/> means for a running page: nothing when no page loads it; the
    /// nearest self-accepting modules on every importer path; a full reload when a path ends without one.
    /// </summary>
    public HmrDecision PropagateChange(string path)
    {
        if (path == EntryHtml)
            return new HmrDecision.FullReload($"{path} changed");
        if (!_nodes.TryGetValue(path, out var changed))
            return HmrDecision.None;

        var boundaries = new List<string>();
        var invalidated = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { path };
        var queue = new Queue<ModuleNode>();
        queue.Enqueue(changed);
        while (queue.TryDequeue(out var node))
        {
            invalidated.Add(node.Path);
            if (node.SelfAccepting)
            {
                boundaries.Add(node.Path);
                continue;
            }
            if (node.IsEntry || node.Importers.Count == 0)
                return new HmrDecision.FullReload($"{node.Path} has no HMR boundary");
            foreach (var importer in node.Importers.Order(StringComparer.Ordinal))
            {
                if (seen.Add(importer) && _nodes.TryGetValue(importer, out var parent))
                    queue.Enqueue(parent);
            }
        }
        return new HmrDecision.Update(boundaries, invalidated);
    }

    /// <summary>Stamps modules whose code changed under running pages, so importers fetch them fresh.</summary>
    public void MarkUpdated(IEnumerable<string> paths, long timestamp)
    {
        foreach (var path in paths)
        {
            if (_nodes.TryGetValue(path, out var node))
                node.LastUpdate = timestamp;
        }
    }

    /// <summary>
    /// The code to serve for a transform: each import of a module that changed under running pages gets its
    /// <c>t</c> query, so re-importing a boundary also loads the new code of what it imports (browsers
    /// cache modules by URL).
    /// </summary>
    public string WithTimestamps(TransformOutput output)
    {
        var code = output.Code;
        foreach (var import in output.Imports)
        {
            if (import.Path is null || !_nodes.TryGetValue(import.Path, out var target) || target.LastUpdate == 0)
                continue;
            var stamped = import.Url + (import.Url.Contains('?') ? "&" : "?") + "t=" + target.LastUpdate;
            code = code.Replace("\"" + import.Url + "\"", "\"" + stamped + "\"", StringComparison.Ordinal)
                       .Replace("'" + import.Url + "'", "'" + stamped + "'", StringComparison.Ordinal);
        }
        return code;
    }
}
