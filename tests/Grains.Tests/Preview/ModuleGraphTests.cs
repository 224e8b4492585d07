using Vibe.Grains.Preview;

namespace Vibe.Grains.Tests.Preview;

/// <summary>The HMR decisions of the module graph, with transform results written by hand (no node, no Orleans).</summary>
public sealed class ModuleGraphTests
{
    const string Root = "/preview/p1";

    /// <summary>The react template's shape: index.html → main.tsx → App.tsx → (styles.css, util.ts); index.html links page.css.</summary>
    static ModuleGraph ReactApp()
    {
        var graph = new ModuleGraph();
        graph.SetEntries(["/src/main.tsx", "/src/page.css"]);
        graph.Record("/src/main.tsx", ModuleGraph.ModuleTransform, "h1", Module(selfAccepting: false, "/src/App.tsx"));
        graph.Record("/src/App.tsx", ModuleGraph.ModuleTransform, "h2", Module(selfAccepting: true, "/src/styles.css", "/src/util.ts"));
        graph.Record("/src/util.ts", ModuleGraph.ModuleTransform, "h3", Module(selfAccepting: false));
        graph.Record("/src/styles.css", ModuleGraph.ModuleTransform, "h4", Module(selfAccepting: true));
        graph.Record("/src/page.css", ModuleGraph.CssTransform, "h5", new TransformOutput("body{}", [], false, []));
        return graph;
    }

    static TransformOutput Module(bool selfAccepting, params string[] imports) => new(
        "code",
        [.. imports.Select(p => new ModuleImport("." + p, Root + p + (p.EndsWith(".css") ? "?import" : ""), "module", p)),
         new ModuleImport("react", Root + "/@deps/react.js", "dep", null)],
        selfAccepting,
        []);

    static HmrDecision.Update Update(HmrDecision decision) => Assert.IsType<HmrDecision.Update>(decision);

    [Fact]
    public void A_self_accepting_module_updates_itself_only()
    {
        var update = Update(ReactApp().PropagateChange("/src/App.tsx"));

        Assert.Equal(["/src/App.tsx"], update.Boundaries);
        Assert.Equal(["/src/App.tsx"], update.Invalidated);
    }

    [Fact]
    public void A_change_below_a_boundary_updates_the_nearest_boundary_and_invalidates_the_way_there()
    {
        var update = Update(ReactApp().PropagateChange("/src/util.ts"));

        Assert.Equal(["/src/App.tsx"], update.Boundaries);
        Assert.Equal(["/src/util.ts", "/src/App.tsx"], update.Invalidated);
    }

    [Fact]
    public void Imported_css_and_linked_css_update_themselves()
    {
        var graph = ReactApp();

        Assert.Equal(["/src/styles.css"], Update(graph.PropagateChange("/src/styles.css")).Boundaries);
        Assert.Equal(["/src/page.css"], Update(graph.PropagateChange("/src/page.css")).Boundaries);
    }

    [Fact]
    public void An_entry_without_a_boundary_reloads_the_page()
    {
        var reload = Assert.IsType<HmrDecision.FullReload>(ReactApp().PropagateChange("/src/main.tsx"));

        Assert.Contains("/src/main.tsx", reload.Reason);
    }

    [Fact]
    public void One_path_without_a_boundary_reloads_even_when_another_has_one()
    {
        var graph = ReactApp();
        // util.ts is now imported by App.tsx (a boundary) and by main.tsx (an entry that accepts nothing).
        graph.Record("/src/main.tsx", ModuleGraph.ModuleTransform, "h1b", Module(selfAccepting: false, "/src/App.tsx", "/src/util.ts"));

        Assert.IsType<HmrDecision.FullReload>(graph.PropagateChange("/src/util.ts"));
    }

    [Fact]
    public void The_entry_html_reloads_and_a_file_outside_the_graph_does_nothing()
    {
        var graph = ReactApp();

        Assert.IsType<HmrDecision.FullReload>(graph.PropagateChange("/index.html"));
        Assert.Same(HmrDecision.None, graph.PropagateChange("/README.md"));
    }

    [Fact]
    public void Two_boundaries_above_a_shared_module_are_both_updated_once()
    {
        var graph = ReactApp();
        graph.Record("/src/Other.tsx", ModuleGraph.ModuleTransform, "h6", Module(selfAccepting: true, "/src/util.ts"));
        graph.Record("/src/App.tsx", ModuleGraph.ModuleTransform, "h2b", Module(selfAccepting: true, "/src/styles.css", "/src/util.ts", "/src/Other.tsx"));

        var update = Update(graph.PropagateChange("/src/util.ts"));

        Assert.Equal(["/src/App.tsx", "/src/Other.tsx"], update.Boundaries.Order());
    }

    [Fact]
    public void Import_cycles_terminate()
    {
        var graph = new ModuleGraph();
        graph.SetEntries(["/src/main.ts"]);
        graph.Record("/src/main.ts", ModuleGraph.ModuleTransform, "1", Module(false, "/src/a.ts"));
        graph.Record("/src/a.ts", ModuleGraph.ModuleTransform, "2", Module(false, "/src/b.ts"));
        graph.Record("/src/b.ts", ModuleGraph.ModuleTransform, "3", Module(false, "/src/a.ts"));

        Assert.IsType<HmrDecision.FullReload>(graph.PropagateChange("/src/b.ts"));
    }

    [Fact]
    public void Recording_new_imports_moves_the_importer_edges()
    {
        var graph = ReactApp();

        var changed = graph.Record("/src/App.tsx", ModuleGraph.ModuleTransform, "h2c", Module(selfAccepting: true, "/src/styles.css"));
        var same = graph.Record("/src/App.tsx", ModuleGraph.ModuleTransform, "h2d", Module(selfAccepting: true, "/src/styles.css"));

        Assert.True(changed);
        Assert.False(same);
        Assert.Empty(graph.Get("/src/util.ts")!.Importers);
        // util.ts is imported by nobody now: a change to it has no boundary.
        Assert.IsType<HmrDecision.FullReload>(graph.PropagateChange("/src/util.ts"));
    }

    [Fact]
    public void A_module_that_stops_being_self_accepting_passes_the_change_up()
    {
        var graph = ReactApp();
        graph.Record("/src/App.tsx", ModuleGraph.ModuleTransform, "h2e", Module(selfAccepting: false, "/src/styles.css", "/src/util.ts"));

        Assert.IsType<HmrDecision.FullReload>(graph.PropagateChange("/src/App.tsx"));
    }

    [Fact]
    public void Transforms_are_cached_per_text_hash_and_kind()
    {
        var graph = ReactApp();

        Assert.NotNull(graph.Cached("/src/App.tsx", ModuleGraph.ModuleTransform, "h2"));
        Assert.Null(graph.Cached("/src/App.tsx", ModuleGraph.ModuleTransform, "other"));
        Assert.Null(graph.Cached("/src/App.tsx", ModuleGraph.CssTransform, "h2"));
        Assert.NotNull(graph.Cached("/src/page.css", ModuleGraph.CssTransform, "h5"));
    }

    [Fact]
    public void Invalidating_everything_keeps_the_edges_but_no_transform()
    {
        var graph = ReactApp();

        graph.InvalidateAll();

        Assert.Null(graph.Cached("/src/App.tsx", ModuleGraph.ModuleTransform, "h2"));
        Assert.Equal(["/src/App.tsx"], Update(graph.PropagateChange("/src/App.tsx")).Boundaries);
    }

    [Fact]
    public void Removing_a_module_returns_its_importers_and_drops_their_cache()
    {
        var graph = ReactApp();

        var importers = graph.Remove("/src/util.ts");

        Assert.Equal(["/src/App.tsx"], importers);
        Assert.False(graph.Contains("/src/util.ts"));
        Assert.Null(graph.Cached("/src/App.tsx", ModuleGraph.ModuleTransform, "h2"));
        Assert.DoesNotContain("/src/util.ts", graph.Get("/src/App.tsx")!.Importees);
    }

    [Fact]
    public void Served_code_stamps_imports_of_updated_modules()
    {
        var graph = new ModuleGraph();
        var output = new TransformOutput(
            $"import \"{Root}/src/styles.css?import\";\nimport {{ x }} from \"{Root}/src/util.ts\";\nimport {{ y }} from \"{Root}/src/util.tsx\";",
            [new ModuleImport("./styles.css", $"{Root}/src/styles.css?import", "module", "/src/styles.css"),
             new ModuleImport("./util", $"{Root}/src/util.ts", "module", "/src/util.ts"),
             new ModuleImport("./util.tsx", $"{Root}/src/util.tsx", "module", "/src/util.tsx")],
            true, []);
        graph.Record("/src/App.tsx", ModuleGraph.ModuleTransform, "h", output);

        graph.MarkUpdated(["/src/util.ts", "/src/styles.css"], 42);
        var code = graph.WithTimestamps(output);

        Assert.Contains($"\"{Root}/src/styles.css?import&t=42\"", code);
        Assert.Contains($"\"{Root}/src/util.ts?t=42\"", code);
        Assert.Contains($"\"{Root}/src/util.tsx\"", code);
    }
}
