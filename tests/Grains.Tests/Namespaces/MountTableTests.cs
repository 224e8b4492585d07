using Vibe.Contracts.Namespaces;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Tests.Namespaces;

public sealed class MountTableTests
{
    readonly IFileService _a = new NamedService("a");
    readonly IFileService _ab = new NamedService("a/b");

    [Theory]
    [InlineData("/a/b/c", "/a/b")]
    [InlineData("/a/b", "/a/b")]
    [InlineData("/a/bc", "/a")]
    [InlineData("/a", "/a")]
    [InlineData("/a/x/b/c", "/a")]
    public void Resolve_picks_the_longest_mounted_prefix(string path, string prefix)
    {
        var table = new MountTable().Mount("/a", _a).Mount("/a/b", _ab);
        var (resolved, service) = table.Resolve(path);
        Assert.Equal(prefix, resolved);
        Assert.Same(prefix == "/a" ? _a : _ab, service);
    }

    [Fact]
    public void Resolve_does_not_depend_on_mount_order()
    {
        var table = new MountTable().Mount("/a/b", _ab).Mount("/a", _a);
        Assert.Same(_ab, table.Resolve("/a/b/c").Service);
        Assert.Same(_a, table.Resolve("/a/bc").Service);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/db")]
    [InlineData("/ab")]
    [InlineData("/b/a")]
    public void Unmounted_path_is_a_typed_error(string path)
    {
        var table = new MountTable().Mount("/a", _a).Mount("/a/b", _ab);
        NamespacePathTests.AssertCode(VibeErrorCodes.FileNotFound, () => table.Resolve(path));
    }

    [Fact]
    public void A_root_mount_catches_everything_else()
    {
        var root = new NamedService("/");
        var table = new MountTable().Mount("/", root).Mount("/a", _a);
        Assert.Same(root, table.Resolve("/db/x").Service);
        Assert.Same(_a, table.Resolve("/a/x").Service);
    }

    [Fact]
    public void Mounting_the_same_prefix_twice_is_refused()
    {
        var table = new MountTable().Mount("/a", _a);
        Assert.Throws<InvalidOperationException>(() => table.Mount("/a/", _ab));
    }

    [Fact]
    public void Mount_prefixes_are_normalised_and_listed()
    {
        var table = new MountTable().Mount("/a/", _a).Mount("/a/b", _ab);
        Assert.Equal(["/a", "/a/b"], table.Prefixes.Order(StringComparer.Ordinal));
    }

    sealed class NamedService(string name) : IFileService
    {
        public override string ToString() => name;
        public Task<FileEntry> StatAsync(string path, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<FileContent> ReadAsync(string path, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<FileEntry> WriteAsync(string path, byte[] bytes, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<FileEntry>> ReadDirAsync(string path, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<FileEntry>> TreeAsync(string path, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<FileEntry> MkdirAsync(string path, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<FileEntry> RenameAsync(string from, string to, CancellationToken ct = default) => throw new NotSupportedException();
        public Task RemoveAsync(string path, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
