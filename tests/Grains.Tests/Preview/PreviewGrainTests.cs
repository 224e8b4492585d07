using System.Text;
using System.Text.Json;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Preview;
using Vibe.Contracts.Projects;
using Vibe.Grains.Tests.Clustering;
using Xunit.Abstractions;

namespace Vibe.Grains.Tests.Preview;

/// <summary>
/// The preview grain with its real parts: npm against the real registry (cache shared across runs in
/// <see cref="VibeClusterFixture.NpmCacheDir"/>), node and esbuild through the toolchain's worker, edits
/// made on document grains. Slow (installs), so every such test lives in this one class and one cluster.
/// </summary>
public sealed class PreviewGrainTests(VibeClusterFixture fixture, ITestOutputHelper output) : IClassFixture<VibeClusterFixture>
{
    static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(6);

    readonly IGrainFactory _grains = fixture.Grains;

    async Task<(string Id, IPreviewGrain Preview, PreviewRecorder Recorder)> StartReactAsync(Func<string, Task>? beforeStart = null)
    {
        var id = TestKeys.ProjectId("preview");
        await _grains.GetGrain<IProjectGrain>(id).CreateAsync(TestKeys.Pubkey(), "Preview", "react");
        if (beforeStart is not null)
            await beforeStart(id);
        var recorder = await PreviewRecorder.SubscribeAsync(fixture.Cluster.Client, id);
        var preview = _grains.GetGrain<IPreviewGrain>(id);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var started = await preview.StartAsync();
        if (started.State is not (PreviewState.Ready or PreviewState.Error))
            await recorder.WaitForStatusAsync(s => s.State is PreviewState.Ready or PreviewState.Error, StartDeadline);
        output.WriteLine($"start to ready/error (install with a warm npm cache, deps, first transforms): {clock.ElapsedMilliseconds} ms");
        return (id, preview, recorder);
    }

    async Task<(string Id, IPreviewGrain Preview, PreviewRecorder Recorder)> StartReadyReactAsync()
    {
        var started = await StartReactAsync();
        var status = await started.Preview.GetStatusAsync();
        Assert.True(status.State == PreviewState.Ready, $"status {status.State}: {status.Message}");
        return started;
    }

    IDocumentGrain Document(string id, string path) => _grains.GetGrain<IDocumentGrain>($"{id}{path}");

    /// <summary>Inserts <paramref name="insert"/> right after the first occurrence of <paramref name="after"/>.</summary>
    async Task InsertAfterAsync(string id, string path, string after, string insert)
    {
        var doc = Document(id, path);
        var text = (await doc.GetTextAsync()).Text;
        var at = text.IndexOf(after, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{after}' not in {path}");
        await doc.ApplyEditsAsync([new TextEdit(at + after.Length, 0, insert)]);
    }

    /// <summary>Awaits <paramref name="wait"/>; on a time-out the preview's own logs join the message.</summary>
    async Task<T> WithLogsAsync<T>(string id, Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            var ns = _grains.GetGrain<INamespaceGrain>(id);
            var logs = new StringBuilder();
            foreach (var log in new[] { "/logs/build.log", "/logs/preview.log" })
            {
                try
                {
                    logs.Append($"\n--- {log}\n").Append(Encoding.UTF8.GetString((await ns.ReadAsync(log)).Bytes));
                }
                catch (VibeException)
                {
                    logs.Append($"\n--- {log} (none)");
                }
            }
            throw new TimeoutException(e.Message + logs, e);
        }
    }

    static string? WorkingDirectoryOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or another user's
        }
    }

    static string Body(PreviewAsset asset) => Encoding.UTF8.GetString(asset.Body);

    static IReadOnlyList<string> UpdatedPaths(JsonElement update)
    {
        Assert.Equal("update", update.GetProperty("type").GetString());
        return update.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("path").GetString()!).ToList();
    }

    [Fact]
    public async Task The_react_template_installs_builds_and_serves_its_page_and_modules()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;
        var root = $"/preview/{id}";

        var page = await preview.GetAssetAsync("/", "");
        Assert.Equal(200, page.StatusCode);
        Assert.StartsWith("text/html", page.ContentType);
        Assert.Contains($"<script type=\"module\" src=\"{root}/@vibe/client.js\"></script>", Body(page));
        Assert.Contains($"{root}/src/main.tsx", Body(page));
        Assert.NotNull(page.ETag);

        var main = await preview.GetAssetAsync("/src/main.tsx", "");
        Assert.Equal(200, main.StatusCode);
        Assert.StartsWith("text/javascript", main.ContentType);
        Assert.Contains($"{root}/src/App.tsx", Body(main));
        Assert.Contains($"{root}/@deps/", Body(main));
        // The cache-buster never changes the answer.
        Assert.Equal(main.ETag, (await preview.GetAssetAsync("/src/main.tsx", "t=123")).ETag);

        var app = await preview.GetAssetAsync("/src/App.tsx", "");
        Assert.Contains("$RefreshReg$", Body(app));

        var css = await preview.GetAssetAsync("/src/styles.css", "");
        Assert.StartsWith("text/css", css.ContentType);
        Assert.Contains(".app", Body(css));
        var cssModule = await preview.GetAssetAsync("/src/styles.css", "import");
        Assert.StartsWith("text/javascript", cssModule.ContentType);

        var depUrl = System.Text.RegularExpressions.Regex.Match(Body(main), $@"{root}(/@deps/[^""']+\.js)").Groups[1].Value;
        var dep = await preview.GetAssetAsync(depUrl, "");
        Assert.Equal(200, dep.StatusCode);
        Assert.StartsWith("text/javascript", dep.ContentType);

        Assert.Equal(200, (await preview.GetAssetAsync("/@vibe/client.js", "")).StatusCode);
        Assert.Equal(200, (await preview.GetAssetAsync("/@vibe/refresh.js", "")).StatusCode);
        Assert.Equal(200, (await preview.GetAssetAsync("/package.json", "")).StatusCode);
        Assert.Equal(404, (await preview.GetAssetAsync("/src/Missing.tsx", "")).StatusCode);
        Assert.Equal(404, (await preview.GetAssetAsync("/.vibe/install.sha256", "")).StatusCode);
        Assert.Equal(200, (await preview.GetAssetAsync("/node_modules/react/package.json", "")).StatusCode);
        Assert.Equal(404, (await preview.GetAssetAsync("/@vibe/worker.mjs", "")).StatusCode);

        var connected = await preview.ConnectAsync();
        Assert.Contains(connected, m => m.Contains("\"ready\""));
    }

    [Fact]
    public async Task An_edit_to_a_component_updates_exactly_that_module_and_css_updates_only_itself()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await InsertAfterAsync(id, "/src/App.tsx", "Hello from Vibe", " and friends");
        var update = await recorder.NextHmrAsync();
        output.WriteLine($"edit committed to HMR update received by a stream subscriber: {clock.ElapsedMilliseconds} ms");
        Assert.Equal(["/src/App.tsx"], UpdatedPaths(update));
        Assert.Equal($"/preview/{id}/src/App.tsx", update.GetProperty("updates")[0].GetProperty("url").GetString());
        // The page re-imports the module and gets the new text.
        Assert.Contains("Hello from Vibe and friends", Body(await preview.GetAssetAsync("/src/App.tsx", "t=1")));

        await InsertAfterAsync(id, "/src/styles.css", ".app {", "\n  color: rebeccapurple;");
        var cssUpdate = await recorder.NextHmrAsync();
        // Nothing else came between the two edits: exactly one message for the component's edit.
        Assert.Equal(2, recorder.Hmr.Count(m => m.GetProperty("type").GetString() != "status"));
        Assert.Equal(["/src/styles.css"], UpdatedPaths(cssUpdate));
        Assert.Contains("rebeccapurple", Body(await preview.GetAssetAsync("/src/styles.css", "")));
    }

    sealed class PushedHmr : IPreviewListener
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<PreviewHmr> Messages = new();
        public Task OnHmrAsync(PreviewHmr message)
        {
            Messages.Enqueue(message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_listening_web_node_gets_the_update_pushed_with_a_growing_sequence()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;
        var pushed = new PushedHmr();
        var listener = fixture.Cluster.Client.CreateObjectReference<IPreviewListener>(pushed);
        await preview.ListenAsync(listener);

        await InsertAfterAsync(id, "/src/App.tsx", "Hello from Vibe", " pushed");
        await InsertAfterAsync(id, "/src/App.tsx", "Hello from Vibe pushed", " twice");
        var until = DateTime.UtcNow.AddSeconds(60);
        while (pushed.Messages.Count(m => m.Json.Contains("\"update\"")) < 2)
        {
            Assert.True(DateTime.UtcNow < until, $"pushed so far: {string.Join(" | ", pushed.Messages.Select(m => m.Json))}");
            await Task.Delay(50);
        }
        var updates = pushed.Messages.Where(m => m.Json.Contains("\"update\"")).ToList();
        Assert.All(updates, m => Assert.Contains("/src/App.tsx", m.Json));
        Assert.True(updates[1].Sequence > updates[0].Sequence && updates[0].Sequence > 0);

        await preview.UnlistenAsync(listener);
        fixture.Cluster.Client.DeleteObjectReference<IPreviewListener>(listener);
    }

    [Fact]
    public async Task Fast_keystrokes_each_update_the_component_and_the_page_ends_on_the_last_text()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;
        var doc = Document(id, "/src/App.tsx");
        var at = (await doc.GetTextAsync()).Text.IndexOf("Hello from Vibe", StringComparison.Ordinal) + "Hello from Vibe".Length;

        const string typed = " typing fast";
        for (var i = 0; i < typed.Length; i++)
            await doc.ApplyEditsAsync([new TextEdit(at + i, 0, typed[i].ToString())]);

        for (var i = 0; i < typed.Length; i++)
            Assert.Equal(["/src/App.tsx"], UpdatedPaths(await WithLogsAsync(id, () => recorder.NextHmrAsync())));
        Assert.Contains("Hello from Vibe typing fast", Body(await preview.GetAssetAsync("/src/App.tsx", "")));
        var times = recorder.Hmr.Where(m => m.GetProperty("type").GetString() == "update")
            .Select(m => m.GetProperty("updates")[0].GetProperty("t").GetInt64()).ToList();
        Assert.Equal(times.Order().Distinct(), times);
    }

    [Fact]
    public async Task An_edit_to_the_entry_module_reloads_the_page()
    {
        var (id, _, recorder) = await StartReadyReactAsync();
        await using var __ = recorder;

        await InsertAfterAsync(id, "/src/main.tsx", "import App from \"./App\";", "\nconsole.info(\"edited\");");

        var message = await WithLogsAsync(id, () => recorder.NextHmrAsync());
        Assert.Equal("full-reload", message.GetProperty("type").GetString());
        Assert.Contains("/src/main.tsx", message.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_syntax_error_is_reported_with_its_place_and_fixing_it_clears_it_and_updates()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;
        const string broken = "\nconst = ;";

        await InsertAfterAsync(id, "/src/App.tsx", "import { useState } from \"react\";", broken);

        var error = await recorder.NextHmrAsync();
        Assert.Equal("error", error.GetProperty("type").GetString());
        var details = error.GetProperty("error");
        Assert.Equal("/src/App.tsx", details.GetProperty("file").GetString());
        Assert.Equal(2, details.GetProperty("line").GetInt32());
        var report = await recorder.NextErrorReportAsync();
        Assert.Equal(("build", "/src/App.tsx", 2), (report.Kind, report.Error.File, report.Error.Line));
        Assert.Contains(await preview.ConnectAsync(), m => m.Contains("\"error\"") && m.Contains("/src/App.tsx"));

        var doc = Document(id, "/src/App.tsx");
        var text = (await doc.GetTextAsync()).Text;
        await doc.ApplyEditsAsync([new TextEdit(text.IndexOf(broken, StringComparison.Ordinal), broken.Length, "")]);

        Assert.Equal("error-cleared", (await recorder.NextHmrAsync()).GetProperty("type").GetString());
        Assert.Equal(["/src/App.tsx"], UpdatedPaths(await recorder.NextHmrAsync()));
        Assert.DoesNotContain(await preview.ConnectAsync(), m => m.Contains("\"error\""));
    }

    [Fact]
    public async Task A_file_written_through_the_namespace_reaches_the_preview_and_fixes_the_import_waiting_for_it()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;
        var ns = _grains.GetGrain<INamespaceGrain>(id);

        // One edit that imports and uses a component that does not exist yet (an unused import would be dropped).
        var app = Document(id, "/src/App.tsx");
        var text = (await app.GetTextAsync()).Text;
        const string imports = "import { useState } from \"react\";", heading = "<h1>Hello from Vibe</h1>";
        await app.ApplyEditsAsync([
            new TextEdit(text.IndexOf(heading, StringComparison.Ordinal) + heading.Length, 0, "<Greeting />"),
            new TextEdit(text.IndexOf(imports, StringComparison.Ordinal) + imports.Length, 0, "\nimport Greeting from \"./Greeting\";"),
        ]);
        var error = await WithLogsAsync(id, async () =>
        {
            var message = await recorder.NextHmrAsync();
            Assert.Equal("error", message.GetProperty("type").GetString());
            return message;
        });
        Assert.Contains("./Greeting", error.GetProperty("error").GetProperty("message").GetString());

        await ns.WriteAsync("/workspace/src/Greeting.tsx", Encoding.UTF8.GetBytes("export default function Greeting() {\n  return <p>hi</p>;\n}\n"));

        Assert.Equal("error-cleared", (await WithLogsAsync(id, () => recorder.NextHmrAsync())).GetProperty("type").GetString());
        Assert.Equal(["/src/App.tsx"], UpdatedPaths(await recorder.NextHmrAsync()));
        Assert.Contains($"/preview/{id}/src/Greeting.tsx", Body(await preview.GetAssetAsync("/src/App.tsx", "")));
        Assert.Contains("hi", Body(await preview.GetAssetAsync("/src/Greeting.tsx", "")));
        // Stopping writes what is left of the logs.
        await preview.StopAsync();
        var logs = Encoding.UTF8.GetString((await ns.ReadAsync("/logs/build.log")).Bytes);
        Assert.Contains("error /src/App.tsx:", logs);
        Assert.Contains("fixed /src/App.tsx", logs);
        Assert.Contains("hmr /src/App.tsx: update /src/App.tsx", Encoding.UTF8.GetString((await ns.ReadAsync("/logs/preview.log")).Bytes));
        Assert.Equal(PreviewState.Stopped, (await preview.GetStatusAsync()).State);
    }

    [Fact]
    public async Task A_killed_worker_is_an_error_status_then_a_fresh_worker_brings_the_preview_back()
    {
        var (id, preview, recorder) = await StartReadyReactAsync();
        await using var _ = recorder;
        var workDir = Path.Combine(fixture.Options.FullPreviewDir, id);
        // The worker is the node process whose working directory is the project's.
        var worker = System.Diagnostics.Process.GetProcessesByName("node").Single(p => WorkingDirectoryOf(p.Id) == workDir);

        worker.Kill();

        var error = await recorder.WaitForStatusAsync(s => s.State == PreviewState.Error, TimeSpan.FromSeconds(60));
        Assert.Contains("exited", error.Message);
        await recorder.WaitForStatusAsync(s => s.State == PreviewState.Ready, TimeSpan.FromSeconds(60));
        Assert.Equal("full-reload", (await recorder.NextHmrAsync()).GetProperty("type").GetString());
        Assert.Equal(200, (await preview.GetAssetAsync("/src/App.tsx", "")).StatusCode);
    }

    [Fact]
    public async Task Stopping_during_the_install_kills_npm_and_stays_stopped()
    {
        var id = TestKeys.ProjectId("preview");
        await _grains.GetGrain<IProjectGrain>(id).CreateAsync(TestKeys.Pubkey(), "Preview", "react");
        await using var recorder = await PreviewRecorder.SubscribeAsync(fixture.Cluster.Client, id);
        var preview = _grains.GetGrain<IPreviewGrain>(id);
        var workDir = Path.Combine(fixture.Options.FullPreviewDir, id);

        await preview.StartAsync();
        await recorder.WaitForStatusAsync(s => s.State == PreviewState.Installing, StartDeadline);
        await preview.StopAsync();

        Assert.Equal(PreviewState.Stopped, (await preview.GetStatusAsync()).State);
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcesses(), p => WorkingDirectoryOf(p.Id) == workDir);
    }

    [Fact]
    public async Task A_failed_install_is_an_error_status_with_npms_message()
    {
        const string missing = "vibe-no-such-package-7f3a9c";
        var (_, preview, recorder) = await StartReactAsync(id => _grains.GetGrain<INamespaceGrain>(id).WriteAsync(
            "/workspace/package.json",
            Encoding.UTF8.GetBytes("{\"name\":\"broken\",\"private\":true,\"dependencies\":{\"" + missing + "\":\"1.0.0\"}}")));
        await using var _ = recorder;

        var status = await preview.GetStatusAsync();
        Assert.Equal(PreviewState.Error, status.State);
        Assert.Contains(missing, status.Message);
        Assert.Contains("npm", status.Message);
        // The page shows the status instead of an app.
        Assert.Equal(500, (await preview.GetAssetAsync("/", "")).StatusCode);
    }

    [Fact]
    public async Task A_runtime_error_from_a_page_goes_to_the_project_stream_and_a_bad_one_is_refused()
    {
        var id = TestKeys.ProjectId("runtime");
        await using var recorder = await PreviewRecorder.SubscribeAsync(fixture.Cluster.Client, id);
        var preview = _grains.GetGrain<IPreviewGrain>(id);

        await preview.ReportRuntimeErrorAsync(new PreviewError("x is not defined", "/src/App.tsx", 3, 5, null));

        var report = await recorder.NextErrorReportAsync();
        Assert.Equal(("runtime", "x is not defined", "/src/App.tsx", 3), (report.Kind, report.Error.Message, report.Error.File, report.Error.Line));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => preview.ReportRuntimeErrorAsync(new PreviewError(" ", null, null, null, null)));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => preview.ReportRuntimeErrorAsync(null!));
    }

    [Theory]
    [InlineData("/../secret")]
    [InlineData("/src/../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/src/..%2f..%2fetc%2fpasswd")]
    [InlineData("/%252e%252e/etc/passwd")]
    [InlineData("/src\\..\\..\\etc\\passwd")]
    [InlineData("/src/App.tsx%00.png")]
    [InlineData("//etc/passwd")]
    [InlineData("etc/passwd")]
    [InlineData("/C:/Windows/win.ini")]
    [InlineData("/@deps/../../package.json")]
    public async Task Paths_that_could_leave_the_working_directory_are_refused(string path)
    {
        var preview = _grains.GetGrain<IPreviewGrain>(TestKeys.ProjectId("traversal"));

        var answer = await preview.GetAssetAsync(path, "");

        Assert.Equal(400, answer.StatusCode);
        Assert.Equal(PreviewState.Stopped, (await preview.GetStatusAsync()).State);
    }
}
