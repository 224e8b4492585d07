using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Tests.Namespaces;

public sealed class NamespacePathTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/workspace", "/workspace")]
    [InlineData("/workspace/", "/workspace")]
    [InlineData("/workspace/src/App.tsx", "/workspace/src/App.tsx")]
    [InlineData("/workspace/src/", "/workspace/src")]
    [InlineData("/workspace/a b/ü.txt", "/workspace/a b/ü.txt")]
    [InlineData("/workspace/..hidden", "/workspace/..hidden")]
    [InlineData("/workspace/.env", "/workspace/.env")]
    public void Canonical_paths_normalise_to_themselves_without_trailing_slash(string path, string expected) =>
        Assert.Equal(expected, NamespacePath.Normalize(path));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("workspace/a")]
    [InlineData("/workspace/../etc/passwd")]
    [InlineData("/workspace/..")]
    [InlineData("/workspace/./a")]
    [InlineData("/workspace/a/.")]
    [InlineData("/workspace//a")]
    [InlineData("/workspace/a\0b")]
    [InlineData("/workspace/a\nb")]
    [InlineData("/workspace/a\u001fb")]
    [InlineData("/workspace/a\u007fb")]
    [InlineData("/workspace\\a")]
    [InlineData("/workspace/a\\..\\b")]
    public void Unsafe_paths_are_refused_as_invalid(string? path) =>
        AssertCode(VibeErrorCodes.PathInvalid, () => NamespacePath.Normalize(path));

    [Fact]
    public void Over_long_path_is_refused_and_the_longest_allowed_is_accepted()
    {
        var segments = Enumerable.Repeat(new string('a', 99), 20);
        var longest = ("/" + string.Join('/', segments))[..NamespacePath.MaxLength];
        Assert.Equal(longest.TrimEnd('/'), NamespacePath.Normalize(longest));
        AssertCode(VibeErrorCodes.PathInvalid, () => NamespacePath.Normalize(longest + "b"));
    }

    [Fact]
    public void Over_long_segment_is_refused_and_the_longest_allowed_is_accepted()
    {
        var name = new string('n', NamespacePath.MaxSegmentLength);
        Assert.Equal($"/workspace/{name}", NamespacePath.Normalize($"/workspace/{name}"));
        AssertCode(VibeErrorCodes.PathInvalid, () => NamespacePath.Normalize($"/workspace/{name}n"));
    }

    [Theory]
    [InlineData("", "/workspace")]
    [InlineData("/", "/workspace")]
    [InlineData("src/App.tsx", "/workspace/src/App.tsx")]
    [InlineData("/src/App.tsx", "/workspace/src/App.tsx")]
    [InlineData("src/", "/workspace/src")]
    [InlineData("/etc/passwd", "/workspace/etc/passwd")]
    [InlineData("a..b/c", "/workspace/a..b/c")]
    public void Workspace_relative_paths_map_inside_the_workspace(string relative, string expected) =>
        Assert.Equal(expected, NamespacePath.FromWorkspace(relative));

    [Theory]
    [InlineData("..")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a/..")]
    [InlineData("/../workspace/x")]
    [InlineData("a\\..\\..\\x")]
    [InlineData("src/../../../etc/passwd")]
    public void Workspace_relative_paths_that_climb_are_refused_as_outside_workspace(string relative) =>
        AssertCode(VibeErrorCodes.PathOutsideWorkspace, () => NamespacePath.FromWorkspace(relative));

    [Theory]
    [InlineData("a\0b")]
    [InlineData("a\\b")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("a\tb")]
    public void Workspace_relative_paths_with_bad_characters_are_refused_as_invalid(string relative) =>
        AssertCode(VibeErrorCodes.PathInvalid, () => NamespacePath.FromWorkspace(relative));

    [Fact]
    public void Workspace_relative_path_that_only_grows_too_long_under_the_workspace_is_refused()
    {
        AssertCode(VibeErrorCodes.PathInvalid, () => NamespacePath.FromWorkspace(new string('a', NamespacePath.MaxLength + 1)));
        AssertCode(VibeErrorCodes.PathInvalid, () => NamespacePath.FromWorkspace(string.Join('/', Enumerable.Repeat("abcdefghi", 102))));
    }

    [Theory]
    [InlineData("/workspace", "/")]
    [InlineData("/workspace/src/App.tsx", "/src/App.tsx")]
    [InlineData("/workspacefoo/x", "/workspacefoo/x")]
    [InlineData("/logs/build.log", "/logs/build.log")]
    public void ToWorkspace_strips_only_the_workspace_mount(string path, string expected) =>
        Assert.Equal(expected, NamespacePath.ToWorkspace(path));

    [Theory]
    [InlineData("src/App.tsx")]
    [InlineData("")]
    [InlineData("a/b/c d.txt")]
    public void FromWorkspace_and_ToWorkspace_round_trip(string relative) =>
        Assert.Equal("/" + relative, NamespacePath.ToWorkspace(NamespacePath.FromWorkspace(relative)));

    [Theory]
    [InlineData("/a/b", "/a", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/ab", "/a", false)]
    [InlineData("/a", "/a/b", false)]
    [InlineData("/anything", "/", true)]
    public void IsWithin_respects_segment_boundaries(string path, string prefix, bool within) =>
        Assert.Equal(within, NamespacePath.IsWithin(path, prefix));

    [Theory]
    [InlineData("/a/b/c", "/a/b", "c")]
    [InlineData("/a", "/", "a")]
    public void Parent_and_name_split_at_the_last_slash(string path, string parent, string name)
    {
        Assert.Equal(parent, NamespacePath.Parent(path));
        Assert.Equal(name, NamespacePath.Name(path));
    }

    internal static void AssertCode(string code, Action act)
    {
        var e = Assert.Throws<VibeException>(act);
        Assert.Equal(code, e.Code);
    }
}
