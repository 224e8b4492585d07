using System.Text;
using Orleans.Runtime;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Namespaces;
using Vibe.Grains.Namespaces;
using Vibe.Grains.Tests.Clustering;
using Vibe.Grains.Tests.Projects;

namespace Vibe.Grains.Tests.Namespaces;

public sealed class NamespaceGrainTests(VibeClusterFixture fixture) : IClassFixture<VibeClusterFixture>
{
    readonly IGrainFactory _grains = fixture.Grains;

    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    (string Id, INamespaceGrain Ns) NewNamespace()
    {
        var id = TestKeys.ProjectId("ns");
        return (id, _grains.GetGrain<INamespaceGrain>(id));
    }

    IDocumentGrain Document(string id, string workspacePath) => _grains.GetGrain<IDocumentGrain>($"{id}{workspacePath}");

    async Task<string> TreeSnapshotAsync(INamespaceGrain ns)
    {
        var lines = new List<string>();
        foreach (var root in new[] { "/workspace", "/logs" })
        {
            foreach (var e in await ns.TreeAsync(root))
            {
                var content = e.Kind == FileKind.File ? Convert.ToHexString((await ns.ReadAsync(e.Path)).Bytes) : "";
                lines.Add($"{e.Path} {e.Kind} {e.Size} {e.Modified:O} {content}");
            }
        }
        return string.Join("\n", lines);
    }

    [Fact]
    public async Task The_namespace_mounts_workspace_and_logs()
    {
        var (_, ns) = NewNamespace();
        Assert.Equal(new HashSet<string> { "/workspace", "/logs" }, (await ns.GetMountsAsync()).ToHashSet());
        Assert.Equal(NamespacePolicy.Default.Writable, (await ns.GetPolicyAsync()).Writable);
    }

    [Fact]
    public async Task Write_read_stat_readdir_and_mkdir_work_through_the_grain()
    {
        var (id, ns) = NewNamespace();

        var written = await ns.WriteAsync("/workspace/src/App.tsx", Text("export const x = 1;\n"));
        await ns.MkdirAsync("/workspace/assets/images");
        await ns.WriteAsync("/workspace/readme.md", Text("# hi 👋"));

        Assert.Equal(new FileEntry("/workspace/src/App.tsx", FileKind.File, 20, written.Modified), await ns.StatAsync("/workspace/src/App.tsx"));
        Assert.Equal("export const x = 1;\n", Encoding.UTF8.GetString((await ns.ReadAsync("/workspace/src/App.tsx")).Bytes));
        Assert.Equal("export const x = 1;\n", (await Document(id, "/src/App.tsx").GetTextAsync()).Text);
        Assert.Equal("# hi 👋", (await Document(id, "/readme.md").GetTextAsync()).Text);
        Assert.Equal(["/workspace/assets", "/workspace/readme.md", "/workspace/src"], (await ns.ReadDirAsync("/workspace")).Select(e => e.Path));
        Assert.Equal(FileKind.Directory, (await ns.StatAsync("/workspace/assets/images")).Kind);
        Assert.Empty(await ns.ReadDirAsync("/workspace/assets/images"));
        // Trailing slashes name the same directory.
        Assert.Equal(["/workspace/assets/images"], (await ns.ReadDirAsync("/workspace/assets/")).Select(e => e.Path));
        await VibeAssert.Code(VibeErrorCodes.PathNotDirectory, () => ns.ReadDirAsync("/workspace/readme.md"));
        await VibeAssert.Code(VibeErrorCodes.PathIsDirectory, () => ns.ReadAsync("/workspace/src"));
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.StatAsync("/workspace/nope"));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.ReadAsync("/workspace/../etc/passwd"));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.WriteAsync("/workspace/a\0b", Text("x")));
    }

    [Fact]
    public async Task Editing_the_document_changes_what_the_namespace_reads()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/a.txt", Text("hello"));

        await Document(id, "/a.txt").ApplyEditsAsync([new TextEdit(5, 0, " world")]);

        Assert.Equal("hello world", Encoding.UTF8.GetString((await ns.ReadAsync("/workspace/a.txt")).Bytes));
    }

    [Fact]
    public async Task A_file_that_turns_binary_becomes_a_blob_and_its_document_is_cleared()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/data", Text("text at first"));
        var binary = ProjectGrainTests.Png(300, seed: 3);

        await ns.WriteAsync("/workspace/data", binary);

        Assert.Equal(binary, (await ns.ReadAsync("/workspace/data")).Bytes);
        Assert.Equal("", (await Document(id, "/data").GetTextAsync()).Text);
        await ns.WriteAsync("/workspace/data", Text("text again"));
        Assert.Equal("text again", (await Document(id, "/data").GetTextAsync()).Text);
    }

    [Fact]
    public async Task Renaming_a_file_moves_its_document_and_clears_the_old_one()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/old.ts", Text("let a = 1;"));

        var moved = await ns.RenameAsync("/workspace/old.ts", "/workspace/lib/new.ts");

        Assert.Equal("/workspace/lib/new.ts", moved.Path);
        Assert.Equal("let a = 1;", (await Document(id, "/lib/new.ts").GetTextAsync()).Text);
        Assert.Equal(new DocumentText("", 0, default), await Document(id, "/old.ts").GetTextAsync());
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.StatAsync("/workspace/old.ts"));
        Assert.Equal("let a = 1;", Encoding.UTF8.GetString((await ns.ReadAsync("/workspace/lib/new.ts")).Bytes));
    }

    [Fact]
    public async Task Renaming_a_directory_moves_every_child_document_and_blob()
    {
        var (id, ns) = NewNamespace();
        var png = ProjectGrainTests.Png(1000, seed: 11);
        await ns.WriteAsync("/workspace/src/App.tsx", Text("app"));
        await ns.WriteAsync("/workspace/src/lib/util.ts", Text("util"));
        await ns.WriteAsync("/workspace/src/logo.png", png);
        await ns.MkdirAsync("/workspace/src/empty");

        await ns.RenameAsync("/workspace/src", "/workspace/app");

        Assert.Equal(
            ["/workspace/app", "/workspace/app/App.tsx", "/workspace/app/empty", "/workspace/app/lib", "/workspace/app/lib/util.ts", "/workspace/app/logo.png"],
            (await ns.TreeAsync("/workspace")).Select(e => e.Path));
        Assert.Equal("app", (await Document(id, "/app/App.tsx").GetTextAsync()).Text);
        Assert.Equal("util", (await Document(id, "/app/lib/util.ts").GetTextAsync()).Text);
        Assert.Equal("", (await Document(id, "/src/App.tsx").GetTextAsync()).Text);
        Assert.Equal("", (await Document(id, "/src/lib/util.ts").GetTextAsync()).Text);
        Assert.Equal(png, (await ns.ReadAsync("/workspace/app/logo.png")).Bytes);
    }

    [Fact]
    public async Task Invalid_renames_are_refused_and_change_nothing()
    {
        var (_, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/src/a.ts", Text("a"));
        await ns.WriteAsync("/workspace/b.ts", Text("b"));
        await ns.WriteAsync("/logs/x.log", Text("x"));
        var before = await TreeSnapshotAsync(ns);

        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.RenameAsync("/workspace/src", "/workspace/src/deeper"));
        await VibeAssert.Code(VibeErrorCodes.PathExists, () => ns.RenameAsync("/workspace/b.ts", "/workspace/src/a.ts"));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.RenameAsync("/workspace/b.ts", "/logs/b.ts"));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.RenameAsync("/workspace", "/workspace/w"));
        await VibeAssert.Code(VibeErrorCodes.PathNotDirectory, () => ns.RenameAsync("/workspace/src/a.ts", "/workspace/b.ts/a.ts"));
        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.RenameAsync("/workspace/b.ts", "/db/b.ts"));

        Assert.Equal(before, await TreeSnapshotAsync(ns));
    }

    [Fact]
    public async Task Removing_files_and_directories_clears_their_documents()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/keep.txt", Text("keep"));
        await ns.WriteAsync("/workspace/gone.txt", Text("gone"));
        await ns.WriteAsync("/workspace/dir/a.txt", Text("a"));
        await ns.WriteAsync("/workspace/dir/sub/b.txt", Text("b"));

        await ns.RemoveAsync("/workspace/gone.txt");
        await ns.RemoveAsync("/workspace/dir");

        Assert.Equal(["/workspace/keep.txt"], (await ns.TreeAsync("/workspace")).Select(e => e.Path));
        Assert.Equal("", (await Document(id, "/gone.txt").GetTextAsync()).Text);
        Assert.Equal("", (await Document(id, "/dir/a.txt").GetTextAsync()).Text);
        Assert.Equal("", (await Document(id, "/dir/sub/b.txt").GetTextAsync()).Text);
        Assert.Equal("keep", (await Document(id, "/keep.txt").GetTextAsync()).Text);
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.RemoveAsync("/workspace/dir"));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.RemoveAsync("/workspace"));
    }

    [Fact]
    public async Task A_path_outside_the_writable_prefixes_is_refused_and_nothing_changes()
    {
        var (_, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/index.html", Text("<p>old</p>"));
        await ns.SetPolicyAsync(new NamespacePolicy(["/workspace", "/logs"], ["/workspace/src/"], 1024));
        var before = await TreeSnapshotAsync(ns);

        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.WriteAsync("/workspace/index.html", Text("<p>new</p>")));
        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.MkdirAsync("/workspace/other"));
        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.RemoveAsync("/workspace/index.html"));
        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.RenameAsync("/workspace/index.html", "/workspace/src/index.html"));
        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.WriteAsync("/logs/x.log", Text("x")));

        Assert.Equal(before, await TreeSnapshotAsync(ns));
        await ns.WriteAsync("/workspace/src/ok.ts", Text("ok"));
        Assert.Equal(["/workspace/src"], (await ns.GetPolicyAsync()).Writable);
    }

    [Fact]
    public async Task A_path_outside_the_readable_prefixes_is_refused()
    {
        var (_, ns) = NewNamespace();
        await ns.WriteAsync("/logs/secret.log", Text("secret"));
        await ns.SetPolicyAsync(new NamespacePolicy(["/workspace"], ["/workspace"], 1024));

        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.ReadAsync("/logs/secret.log"));
        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.StatAsync("/logs/secret.log"));
        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.ReadDirAsync("/logs"));
        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.TreeAsync("/"));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_and_nothing_changes()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/a.txt", Text("small"));
        await ns.SetPolicyAsync(NamespacePolicy.Default with { MaxFileBytes = 16 });
        var before = await TreeSnapshotAsync(ns);

        await VibeAssert.Code(VibeErrorCodes.FileTooLarge, () => ns.WriteAsync("/workspace/a.txt", new byte[17]));
        await VibeAssert.Code(VibeErrorCodes.FileTooLarge, () => ns.WriteAsync("/workspace/new/b.txt", Text(new string('x', 17))));
        await VibeAssert.Code(VibeErrorCodes.FileTooLarge, () => ns.WriteAsync("/logs/big.log", new byte[1000]));

        Assert.Equal(before, await TreeSnapshotAsync(ns));
        Assert.Equal("small", (await Document(id, "/a.txt").GetTextAsync()).Text);
        Assert.Equal(16, (await ns.WriteAsync("/workspace/a.txt", new byte[16])).Size);
    }

    [Fact]
    public async Task Invalid_policies_are_refused()
    {
        var (_, ns) = NewNamespace();
        await VibeAssert.Code(VibeErrorCodes.Validation, () => ns.SetPolicyAsync(NamespacePolicy.Default with { MaxFileBytes = 0 }));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.SetPolicyAsync(NamespacePolicy.Default with { Writable = ["/workspace/../"] }));
        Assert.Equal(NamespacePolicy.Default.MaxFileBytes, (await ns.GetPolicyAsync()).MaxFileBytes);
    }

    [Fact]
    public async Task Logs_are_writable_and_stored_as_blobs()
    {
        var (id, ns) = NewNamespace();
        var log = Text("build ok\n");

        var entry = await ns.WriteAsync("/logs/build/output.log", log);

        Assert.Equal(log.Length, entry.Size);
        Assert.Equal(log, (await ns.ReadAsync("/logs/build/output.log")).Bytes);
        Assert.Equal(["/logs/build"], (await ns.ReadDirAsync("/logs")).Select(e => e.Path));
        Assert.Equal(0, (await Document(id, "/logs/build/output.log").GetTextAsync()).Version);
        var hash = Vibe.Grains.Blobs.BlobHash.Of(log);
        Assert.True(File.Exists(Path.Combine(fixture.Options.FullDataDir, "blobs", hash[..2], hash)));
    }

    [Fact]
    public async Task Paths_on_no_mount_are_refused()
    {
        var (_, ns) = NewNamespace();

        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.WriteAsync("/db/data.sqlite", [1]));
        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.ReadAsync("/db/data.sqlite"));
        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.ReadDirAsync("/"));

        // Even when the policy allows it, a path nothing is mounted on is a typed error.
        await ns.SetPolicyAsync(new NamespacePolicy(["/"], ["/"], 1024));
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.WriteAsync("/db/data.sqlite", [1]));
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.ReadDirAsync("/"));
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.MkdirAsync("/workspacefoo"));
    }

    [Fact]
    public async Task Changes_are_published_on_the_project_stream()
    {
        var (id, ns) = NewNamespace();
        await using var changes = await ChangeRecorder.SubscribeAsync(fixture.Cluster.Client, id);

        await ns.WriteAsync("/workspace/a.txt", Text("1"));
        var created = await changes.WaitForAsync(c => c.Path == "/workspace/a.txt");
        await ns.WriteAsync("/workspace/a.txt", Text("2"));
        var modified = await changes.WaitForAsync(c => c.Path == "/workspace/a.txt");
        await ns.MkdirAsync("/workspace/dir");
        var dir = await changes.WaitForAsync(c => c.Path == "/workspace/dir");
        await ns.RenameAsync("/workspace/a.txt", "/workspace/dir/b.txt");
        var moved = await changes.WaitForAsync(c => c.Path == "/workspace/dir/b.txt");
        await ns.RemoveAsync("/workspace/dir");
        var deleted = await changes.WaitForAsync(c => c.Kind == NamespaceChangeKind.Deleted);

        Assert.Equal((id, NamespaceChangeKind.Created, FileKind.File), (created.ProjectId, created.Kind, created.FileKind));
        Assert.Equal(NamespaceChangeKind.Modified, modified.Kind);
        Assert.Equal((NamespaceChangeKind.Created, FileKind.Directory), (dir.Kind, dir.FileKind));
        Assert.Equal((NamespaceChangeKind.Moved, "/workspace/a.txt", FileKind.File), (moved.Kind, moved.From, moved.FileKind));
        Assert.Equal(("/workspace/dir", FileKind.Directory), (deleted.Path, deleted.FileKind));
        Assert.Equal(5, changes.Seen.Count);
    }

    [Fact]
    public async Task Refused_calls_publish_no_change()
    {
        var (id, ns) = NewNamespace();
        await using var changes = await ChangeRecorder.SubscribeAsync(fixture.Cluster.Client, id);
        await ns.WriteAsync("/workspace/f", Text("f"));

        await VibeAssert.Code(VibeErrorCodes.PathNotDirectory, () => ns.WriteAsync("/workspace/f/g", Text("g")));
        await VibeAssert.Code(VibeErrorCodes.PathExists, () => ns.MkdirAsync("/workspace/f"));
        await ns.WriteAsync("/workspace/marker", Text("m"));

        await changes.WaitForAsync(c => c.Path == "/workspace/marker");
        Assert.Equal(["/workspace/f", "/workspace/marker"], changes.Seen.Select(c => c.Path));
    }

    [Fact]
    public async Task Concurrent_writes_to_many_files_all_land()
    {
        var (id, ns) = NewNamespace();
        const int writers = 8, filesEach = 8;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var f = 0; f < filesEach; f++)
            {
                var path = $"/workspace/w{w}/f{f}.{(f % 2 == 0 ? "txt" : "bin")}";
                await ns.WriteAsync(path, Content(w, f));
            }
        })));

        var files = (await ns.TreeAsync("/workspace")).Where(e => e.Kind == FileKind.File).ToList();
        Assert.Equal(writers * filesEach, files.Count);
        for (var w = 0; w < writers; w++)
        {
            for (var f = 0; f < filesEach; f++)
                Assert.Equal(Content(w, f), (await ns.ReadAsync($"/workspace/w{w}/f{f}.{(f % 2 == 0 ? "txt" : "bin")}")).Bytes);
        }
        Assert.Equal(Encoding.UTF8.GetString(Content(3, 2)), (await Document(id, "/w3/f2.txt").GetTextAsync()).Text);

        static byte[] Content(int w, int f) => f % 2 == 0 ? Text($"writer {w} file {f} ✓") : ProjectGrainTests.Png(64 + w * 8 + f, seed: w * 100 + f);
    }

    [Fact]
    public async Task State_survives_deactivation()
    {
        var (id, ns) = NewNamespace();
        var png = ProjectGrainTests.Png(2048, seed: 5);
        await ns.WriteAsync("/workspace/src/App.tsx", Text("persisted ✓"));
        await ns.WriteAsync("/workspace/img/logo.png", png);
        await ns.MkdirAsync("/workspace/empty");
        await ns.WriteAsync("/logs/run.log", Text("log"));
        await ns.RenameAsync("/workspace/src/App.tsx", "/workspace/src/Main.tsx");
        var policy = new NamespacePolicy(["/workspace", "/logs"], ["/workspace"], 4096);
        await ns.SetPolicyAsync(policy);
        var before = await TreeSnapshotAsync(ns);

        await DeactivateAsync(ns);

        Assert.Equal(before, await TreeSnapshotAsync(ns));
        Assert.Equal("persisted ✓", (await Document(id, "/src/Main.tsx").GetTextAsync()).Text);
        Assert.Equal("", (await Document(id, "/src/App.tsx").GetTextAsync()).Text);
        var restored = await ns.GetPolicyAsync();
        Assert.Equal(policy.Readable, restored.Readable);
        Assert.Equal(policy.Writable, restored.Writable);
        Assert.Equal(policy.MaxFileBytes, restored.MaxFileBytes);
        await VibeAssert.Code(VibeErrorCodes.PathNotWritable, () => ns.WriteAsync("/logs/run.log", Text("more")));
    }

    [Fact]
    public async Task A_failing_write_leaves_the_tree_as_before()
    {
        var (_, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/file", Text("f"));
        await ns.MkdirAsync("/workspace/dir");
        var before = await TreeSnapshotAsync(ns);

        await VibeAssert.Code(VibeErrorCodes.PathNotDirectory, () => ns.WriteAsync("/workspace/file/a/b.txt", Text("x")));
        await VibeAssert.Code(VibeErrorCodes.PathIsDirectory, () => ns.WriteAsync("/workspace/dir", Text("x")));
        await VibeAssert.Code(VibeErrorCodes.PathIsDirectory, () => ns.WriteAsync("/workspace", Text("x")));
        await VibeAssert.Code(VibeErrorCodes.PathNotDirectory, () => ns.MkdirAsync("/workspace/file/sub"));

        Assert.Equal(before, await TreeSnapshotAsync(ns));
    }

    [Fact]
    public async Task Renaming_back_and_forth_and_recreating_a_removed_path_keep_the_right_text()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/a.txt", Text("first"));

        await ns.RenameAsync("/workspace/a.txt", "/workspace/b.txt");
        await ns.RenameAsync("/workspace/b.txt", "/workspace/a.txt");
        Assert.Equal("first", Encoding.UTF8.GetString((await ns.ReadAsync("/workspace/a.txt")).Bytes));
        Assert.Equal("", (await Document(id, "/b.txt").GetTextAsync()).Text);

        await ns.RemoveAsync("/workspace/a.txt");
        await ns.WriteAsync("/workspace/a.txt", Text("second"));
        Assert.Equal("second", Encoding.UTF8.GetString((await ns.ReadAsync("/workspace/a.txt")).Bytes));
        Assert.Equal("second", (await Document(id, "/a.txt").GetTextAsync()).Text);
    }

    /// <summary>
    /// The namespace's row in grain storage: its version (the ETag: one more for every write or clear of its state)
    /// and whether it holds a state (a clear keeps the row without one).
    /// </summary>
    (long Version, bool HasState) Stored(string id)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection(fixture.Options.SqliteConnectionString);
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT version, payload IS NOT NULL FROM orleans_storage WHERE grain_id_extension LIKE '%' || $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetBoolean(1)) : (0, false);
    }

    long StoredVersion(string id) => Stored(id).Version;

    async Task SizesAreAsync(INamespaceGrain ns, IReadOnlyList<string> paths, Func<int, long> size)
    {
        for (var waited = 0; ; waited += 20)
        {
            var stats = await Task.WhenAll(paths.Select(p => ns.StatAsync(p)));
            if (stats.Select((e, i) => e.Size == size(i)).All(ok => ok))
                return;
            Assert.True(waited < 10_000, "sizes never reported: " + string.Join(", ", stats.Select(e => $"{e.Path} {e.Size}")));
            await Task.Delay(20);
        }
    }

    async Task DeactivateAsync(INamespaceGrain ns)
    {
        var management = _grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var stats = await management.GetDetailedGrainStatistics([typeof(NamespaceGrain).FullName!]);
        Assert.DoesNotContain(stats, s => s.GrainId == ns.GetGrainId());
    }

    [Fact]
    public async Task Size_reports_of_many_documents_are_answered_at_once_and_written_together()
    {
        var (id, ns) = NewNamespace();
        var paths = Enumerable.Range(0, 10).Select(i => $"/workspace/f{i}.txt").ToList();
        foreach (var path in paths)
            await ns.WriteAsync(path, Text("x"));
        var before = StoredVersion(id);
        var edited = DateTimeOffset.UtcNow.AddMinutes(1);

        foreach (var (path, i) in paths.Select((p, i) => (p, i)))
            await ns.DocumentEditedAsync(path, 100 + i, edited);

        await SizesAreAsync(ns, paths, i => 100 + i);
        for (var waited = TimeSpan.Zero; StoredVersion(id) == before; waited += TimeSpan.FromMilliseconds(50))
        {
            Assert.True(waited < NamespaceGrain.SizeReportWindow * 3, "the reports were never written");
            await Task.Delay(50);
        }
        await Task.Delay(NamespaceGrain.SizeReportWindow);
        Assert.Equal(before + 1, StoredVersion(id));

        await DeactivateAsync(ns);
        await SizesAreAsync(ns, paths, i => 100 + i);
    }

    /// <summary>A namespace with /workspace/a.txt reported at 4242 bytes, the report not yet written.</summary>
    async Task<(string Id, INamespaceGrain Ns)> WithAWaitingSizeReportAsync()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/a.txt", Text("x"));
        await ns.DocumentEditedAsync("/workspace/a.txt", 4242, DateTimeOffset.UtcNow.AddMinutes(1));
        await SizesAreAsync(ns, ["/workspace/a.txt"], _ => 4242);
        return (id, ns);
    }

    [Fact]
    public async Task Size_reports_still_waiting_are_written_when_the_namespace_deactivates()
    {
        var (_, ns) = await WithAWaitingSizeReportAsync();

        await DeactivateAsync(ns);

        Assert.Equal(4242, (await ns.StatAsync("/workspace/a.txt")).Size);
    }

    [Fact]
    public async Task A_destroyed_namespace_does_not_write_its_waiting_size_reports_back()
    {
        var (id, ns) = await WithAWaitingSizeReportAsync();

        await ns.DestroyAsync();
        await DeactivateAsync(ns);
        await Task.Delay(NamespaceGrain.SizeReportWindow);

        Assert.False(Stored(id).HasState, $"the destroyed namespace's state was written back (version {StoredVersion(id)})");
    }

    [Fact]
    public async Task Read_reports_the_size_of_the_bytes_it_returns_after_a_document_edit()
    {
        var (id, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/a.txt", Text("hello"));

        await Document(id, "/a.txt").ApplyEditsAsync([new TextEdit(5, 0, ", wide world ✓")]);
        var content = await ns.ReadAsync("/workspace/a.txt");

        Assert.Equal(content.Bytes.Length, content.Entry.Size);
    }

    [Fact]
    public async Task Rename_cannot_move_an_unreadable_file_somewhere_readable()
    {
        var (_, ns) = NewNamespace();
        await ns.WriteAsync("/workspace/private/key.pem", Text("secret"));
        await ns.SetPolicyAsync(new NamespacePolicy(["/workspace/public"], ["/workspace"], 1024));

        await VibeAssert.Code(VibeErrorCodes.PathNotReadable, () => ns.RenameAsync("/workspace/private/key.pem", "/workspace/public/key.pem"));

        await ns.SetPolicyAsync(NamespacePolicy.Default);
        Assert.Equal("secret", Encoding.UTF8.GetString((await ns.ReadAsync("/workspace/private/key.pem")).Bytes));
        await VibeAssert.Code(VibeErrorCodes.FileNotFound, () => ns.StatAsync("/workspace/public/key.pem"));
    }

    [Fact]
    public async Task Missing_arguments_are_typed_errors()
    {
        var (_, ns) = NewNamespace();
        await VibeAssert.Code(VibeErrorCodes.Validation, () => ns.WriteAsync("/workspace/a", null!));
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.ReadAsync(null!));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => ns.SetPolicyAsync(null!));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => ns.SetPolicyAsync(new NamespacePolicy(null!, ["/workspace"], 10)));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => ns.SetPolicyAsync(new NamespacePolicy(["/workspace"], null!, 10)));
        Assert.Equal(NamespacePolicy.Default.MaxFileBytes, (await ns.GetPolicyAsync()).MaxFileBytes);
    }

    [Fact]
    public async Task The_longest_allowed_path_with_multibyte_names_is_stored_as_a_document()
    {
        var (id, ns) = NewNamespace();
        var name = new string('文', NamespacePath.MaxSegmentLength);
        var path = "/workspace/" + name + "/" + name + "/" + name + "/" + name[..(NamespacePath.MaxLength - 11 - 3 * (name.Length + 1))];
        Assert.Equal(NamespacePath.MaxLength, path.Length);

        await ns.WriteAsync(path, Text("deep ✓"));

        Assert.Equal("deep ✓", Encoding.UTF8.GetString((await ns.ReadAsync(path)).Bytes));
        Assert.Equal("deep ✓", (await Document(id, NamespacePath.ToWorkspace(path)).GetTextAsync()).Text);
        await VibeAssert.Code(VibeErrorCodes.PathInvalid, () => ns.WriteAsync(path + "x", Text("too long")));
    }
}
