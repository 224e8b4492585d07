using System.Text;
using Vibe.Contracts.Namespaces;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Tests.Namespaces;

public sealed class TreeFileServiceTests
{
    const string Root = "/workspace";

    readonly Dictionary<string, IndexEntry> _entries = new(StringComparer.Ordinal);
    readonly InMemoryContentStore _content = new();
    readonly List<NamespaceChanged> _changes = [];
    readonly TreeFileService _files;
    int _persisted;

    public TreeFileServiceTests()
    {
        _files = new TreeFileService(
            new FileTreeIndex(_entries, Root),
            _content,
            _ => { _persisted++; return Task.CompletedTask; },
            (kind, path, fileKind, from) => _changes.Add(new NamespaceChanged("p", kind, path, fileKind, from, DateTimeOffset.UnixEpoch)),
            TimeProvider.System);
    }

    static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Write_creates_missing_parents_like_mkdir_p()
    {
        var entry = await _files.WriteAsync("/workspace/a/b/c.txt", Text("hi"));

        Assert.Equal(new FileEntry("/workspace/a/b/c.txt", FileKind.File, 2, entry.Modified), entry);
        Assert.Equal(FileKind.Directory, (await _files.StatAsync("/workspace/a")).Kind);
        Assert.Equal(FileKind.Directory, (await _files.StatAsync("/workspace/a/b")).Kind);
        Assert.Equal("hi", Encoding.UTF8.GetString((await _files.ReadAsync("/workspace/a/b/c.txt")).Bytes));
        Assert.Equal(1, _persisted);
        Assert.Equal((NamespaceChangeKind.Created, "/workspace/a/b/c.txt"), (_changes.Single().Kind, _changes.Single().Path));
    }

    [Fact]
    public async Task Overwriting_a_file_reports_a_modification_and_the_new_size()
    {
        await _files.WriteAsync("/workspace/a.txt", Text("one"));
        var entry = await _files.WriteAsync("/workspace/a.txt", Text("three"));

        Assert.Equal(5, entry.Size);
        Assert.Equal([NamespaceChangeKind.Created, NamespaceChangeKind.Modified], _changes.Select(c => c.Kind));
        Assert.Equal("three", Encoding.UTF8.GetString((await _files.ReadAsync("/workspace/a.txt")).Bytes));
    }

    [Fact]
    public async Task Mkdir_creates_parents_and_is_idempotent_for_directories()
    {
        await _files.MkdirAsync("/workspace/x/y/z");
        var again = await _files.MkdirAsync("/workspace/x/y/z");

        Assert.Equal(FileKind.Directory, again.Kind);
        Assert.Equal(["/workspace/x", "/workspace/x/y", "/workspace/x/y/z"], (await _files.TreeAsync(Root)).Select(e => e.Path));
        Assert.Single(_changes);
    }

    [Fact]
    public async Task Mkdir_over_a_file_is_refused()
    {
        await _files.WriteAsync("/workspace/f", Text("x"));
        await AssertCode(VibeErrorCodes.PathExists, () => _files.MkdirAsync("/workspace/f"));
        Assert.Equal(FileKind.File, (await _files.StatAsync("/workspace/f")).Kind);
    }

    [Fact]
    public async Task Write_over_a_directory_or_the_mount_root_is_refused()
    {
        await _files.MkdirAsync("/workspace/d");
        await AssertCode(VibeErrorCodes.PathIsDirectory, () => _files.WriteAsync("/workspace/d", Text("x")));
        await AssertCode(VibeErrorCodes.PathIsDirectory, () => _files.WriteAsync(Root, Text("x")));
        Assert.Equal(FileKind.Directory, (await _files.StatAsync("/workspace/d")).Kind);
    }

    [Fact]
    public async Task Write_below_a_file_is_refused_and_changes_nothing()
    {
        await _files.WriteAsync("/workspace/f", Text("x"));
        var before = Snapshot();

        await AssertCode(VibeErrorCodes.PathNotDirectory, () => _files.WriteAsync("/workspace/f/g/h.txt", Text("y")));

        Assert.Equal(before, Snapshot());
        Assert.False(_content.Files.ContainsKey("/workspace/f/g/h.txt"));
    }

    [Fact]
    public async Task Failing_content_write_leaves_the_tree_as_before()
    {
        await _files.WriteAsync("/workspace/keep.txt", Text("k"));
        var before = Snapshot();
        var persisted = _persisted;
        _content.FailPut = p => p.EndsWith("boom.bin", StringComparison.Ordinal);

        await Assert.ThrowsAsync<IOException>(() => _files.WriteAsync("/workspace/new/dir/boom.bin", [1, 2, 3]));

        Assert.Equal(before, Snapshot());
        Assert.Equal(persisted, _persisted);
        Assert.Single(_changes);
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.StatAsync("/workspace/new"));
    }

    [Fact]
    public async Task Failing_content_move_leaves_the_index_as_before()
    {
        await _files.WriteAsync("/workspace/src/a.txt", Text("a"));
        await _files.WriteAsync("/workspace/src/b.txt", Text("b"));
        var before = Snapshot();
        _content.FailMove = p => p.EndsWith("b.txt", StringComparison.Ordinal);

        await Assert.ThrowsAsync<IOException>(() => _files.RenameAsync("/workspace/src", "/workspace/new/place"));

        Assert.Equal(before, Snapshot());
        Assert.Equal(2, _changes.Count);
    }

    [Fact]
    public async Task Reading_a_directory_or_a_missing_file_is_a_typed_error()
    {
        await _files.MkdirAsync("/workspace/d");
        await AssertCode(VibeErrorCodes.PathIsDirectory, () => _files.ReadAsync("/workspace/d"));
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.ReadAsync("/workspace/missing"));
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.StatAsync("/workspace/missing"));
    }

    [Fact]
    public async Task Readdir_lists_direct_children_in_order_and_refuses_a_file()
    {
        await _files.WriteAsync("/workspace/b.txt", Text("b"));
        await _files.WriteAsync("/workspace/a/deep.txt", Text("d"));
        await _files.MkdirAsync("/workspace/c");

        Assert.Equal(["/workspace/a", "/workspace/b.txt", "/workspace/c"], (await _files.ReadDirAsync(Root)).Select(e => e.Path));
        Assert.Equal(["/workspace/a/deep.txt"], (await _files.ReadDirAsync("/workspace/a")).Select(e => e.Path));
        Assert.Empty(await _files.ReadDirAsync("/workspace/c"));
        await AssertCode(VibeErrorCodes.PathNotDirectory, () => _files.ReadDirAsync("/workspace/b.txt"));
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.ReadDirAsync("/workspace/zzz"));
    }

    [Fact]
    public async Task Tree_of_a_file_is_the_file_and_of_a_directory_every_descendant_parents_first()
    {
        await _files.WriteAsync("/workspace/src/components/Button.tsx", Text("b"));
        await _files.WriteAsync("/workspace/src/App.tsx", Text("a"));

        Assert.Equal(["/workspace/src/App.tsx"], (await _files.TreeAsync("/workspace/src/App.tsx")).Select(e => e.Path));
        Assert.Equal(
            ["/workspace/src", "/workspace/src/App.tsx", "/workspace/src/components", "/workspace/src/components/Button.tsx"],
            (await _files.TreeAsync(Root)).Select(e => e.Path));
    }

    [Fact]
    public async Task Tree_is_depth_first_even_when_a_sibling_name_sorts_before_the_slash()
    {
        await _files.WriteAsync("/workspace/src/x.ts", Text("x"));
        await _files.WriteAsync("/workspace/src.bak", Text("b"));
        await _files.WriteAsync("/workspace/src-old/y.ts", Text("y"));

        Assert.Equal(
            ["/workspace/src", "/workspace/src/x.ts", "/workspace/src-old", "/workspace/src-old/y.ts", "/workspace/src.bak"],
            (await _files.TreeAsync(Root)).Select(e => e.Path));
    }

    [Fact]
    public async Task Renaming_a_file_moves_its_content_and_creates_target_parents()
    {
        await _files.WriteAsync("/workspace/a.txt", Text("A"));

        var moved = await _files.RenameAsync("/workspace/a.txt", "/workspace/new/b.txt");

        Assert.Equal("/workspace/new/b.txt", moved.Path);
        Assert.Equal("A", Encoding.UTF8.GetString((await _files.ReadAsync("/workspace/new/b.txt")).Bytes));
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.StatAsync("/workspace/a.txt"));
        Assert.False(_content.Files.ContainsKey("/workspace/a.txt"));
        var change = _changes.Last();
        Assert.Equal((NamespaceChangeKind.Moved, "/workspace/new/b.txt", "/workspace/a.txt"), (change.Kind, change.Path, change.From));
    }

    [Fact]
    public async Task Renaming_a_directory_moves_every_child()
    {
        await _files.WriteAsync("/workspace/src/App.tsx", Text("app"));
        await _files.WriteAsync("/workspace/src/lib/util.ts", Text("util"));
        await _files.MkdirAsync("/workspace/src/empty");

        await _files.RenameAsync("/workspace/src", "/workspace/app");

        Assert.Equal(
            ["/workspace/app", "/workspace/app/App.tsx", "/workspace/app/empty", "/workspace/app/lib", "/workspace/app/lib/util.ts"],
            (await _files.TreeAsync(Root)).Select(e => e.Path));
        Assert.Equal("util", Encoding.UTF8.GetString((await _files.ReadAsync("/workspace/app/lib/util.ts")).Bytes));
        Assert.Equal(["/workspace/app/App.tsx", "/workspace/app/lib/util.ts"], _content.Files.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Renaming_a_directory_into_itself_is_refused()
    {
        await _files.WriteAsync("/workspace/src/App.tsx", Text("app"));
        var before = Snapshot();

        await AssertCode(VibeErrorCodes.PathInvalid, () => _files.RenameAsync("/workspace/src", "/workspace/src/inner"));

        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Renaming_onto_an_existing_path_or_the_root_is_refused()
    {
        await _files.WriteAsync("/workspace/a", Text("a"));
        await _files.WriteAsync("/workspace/b", Text("b"));

        await AssertCode(VibeErrorCodes.PathExists, () => _files.RenameAsync("/workspace/a", "/workspace/b"));
        await AssertCode(VibeErrorCodes.PathInvalid, () => _files.RenameAsync(Root, "/workspace/x"));
        await AssertCode(VibeErrorCodes.PathInvalid, () => _files.RenameAsync("/workspace/a", Root));
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.RenameAsync("/workspace/missing", "/workspace/c"));
        Assert.Equal("b", Encoding.UTF8.GetString((await _files.ReadAsync("/workspace/b")).Bytes));
    }

    [Fact]
    public async Task Removing_a_directory_removes_its_subtree_and_content()
    {
        await _files.WriteAsync("/workspace/src/App.tsx", Text("app"));
        await _files.WriteAsync("/workspace/src/lib/util.ts", Text("util"));
        await _files.WriteAsync("/workspace/srcx.txt", Text("sibling"));

        await _files.RemoveAsync("/workspace/src");

        Assert.Equal(["/workspace/srcx.txt"], (await _files.TreeAsync(Root)).Select(e => e.Path));
        Assert.Equal(["/workspace/srcx.txt"], _content.Files.Keys);
        var change = _changes.Last();
        Assert.Equal((NamespaceChangeKind.Deleted, "/workspace/src", FileKind.Directory), (change.Kind, change.Path, change.FileKind));
    }

    [Fact]
    public async Task Removing_the_root_or_a_missing_path_is_refused()
    {
        await AssertCode(VibeErrorCodes.PathInvalid, () => _files.RemoveAsync(Root));
        await AssertCode(VibeErrorCodes.FileNotFound, () => _files.RemoveAsync("/workspace/missing"));
    }

    [Fact]
    public async Task The_mount_root_always_exists_as_a_directory()
    {
        Assert.Equal(FileKind.Directory, (await _files.StatAsync(Root)).Kind);
        Assert.Empty(await _files.ReadDirAsync(Root));
        Assert.Equal(FileKind.Directory, (await _files.MkdirAsync(Root)).Kind);
    }

    [Fact]
    public async Task Two_indexes_sharing_one_map_see_only_their_own_mount()
    {
        var logs = new TreeFileService(new FileTreeIndex(_entries, "/logs"), _content, _ => Task.CompletedTask, (_, _, _, _) => { }, TimeProvider.System);
        await _files.WriteAsync("/workspace/a.txt", Text("w"));
        await logs.WriteAsync("/logs/build.log", Text("l"));

        Assert.Equal(["/workspace/a.txt"], (await _files.ReadDirAsync(Root)).Select(e => e.Path));
        Assert.Equal(["/logs/build.log"], (await logs.ReadDirAsync("/logs")).Select(e => e.Path));
    }

    string Snapshot() => string.Join("\n", _entries.OrderBy(e => e.Key, StringComparer.Ordinal)
        .Select(e => $"{e.Key} {e.Value.Kind} {e.Value.Size} {e.Value.Content} {e.Value.BlobHash} {e.Value.Modified:O}"));

    static async Task AssertCode(string code, Func<Task> act)
    {
        var e = await Assert.ThrowsAsync<VibeException>(act);
        Assert.Equal(code, e.Code);
    }
}
