using Vibe.Contracts.Namespaces;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Tests.Namespaces;

public sealed class PolicyGuardTests
{
    static readonly NamespacePolicy Policy = new(["/workspace", "/logs"], ["/workspace/src"], 100);

    readonly PolicyGuard _guard = new(() => Policy);

    [Theory]
    [InlineData("/workspace")]
    [InlineData("/workspace/src/App.tsx")]
    [InlineData("/logs/build.log")]
    public void Paths_at_or_below_a_readable_prefix_may_be_read(string path) => _guard.CheckRead(path);

    [Theory]
    [InlineData("/")]
    [InlineData("/workspacefoo")]
    [InlineData("/db/x")]
    [InlineData("/log")]
    public void Paths_outside_every_readable_prefix_are_refused(string path) =>
        NamespacePathTests.AssertCode(VibeErrorCodes.PathNotReadable, () => _guard.CheckRead(path));

    [Theory]
    [InlineData("/workspace/src")]
    [InlineData("/workspace/src/a/b.ts")]
    public void Paths_at_or_below_a_writable_prefix_may_be_written(string path) => _guard.CheckWrite(path);

    [Theory]
    [InlineData("/workspace")]
    [InlineData("/workspace/index.html")]
    [InlineData("/workspace/srcx/a.ts")]
    [InlineData("/logs/build.log")]
    public void Paths_outside_every_writable_prefix_are_refused(string path) =>
        NamespacePathTests.AssertCode(VibeErrorCodes.PathNotWritable, () => _guard.CheckWrite(path));

    [Fact]
    public void Size_up_to_the_maximum_is_allowed_and_one_byte_more_is_too_large()
    {
        _guard.CheckSize("/workspace/src/a", 100);
        NamespacePathTests.AssertCode(VibeErrorCodes.FileTooLarge, () => _guard.CheckSize("/workspace/src/a", 101));
    }

    [Fact]
    public void The_guard_reads_the_current_policy_on_every_check()
    {
        var current = Policy;
        var guard = new PolicyGuard(() => current);
        guard.CheckWrite("/workspace/src/a");
        current = current with { Writable = [] };
        NamespacePathTests.AssertCode(VibeErrorCodes.PathNotWritable, () => guard.CheckWrite("/workspace/src/a"));
    }

    [Fact]
    public void The_default_policy_allows_the_workspace_and_logs_only()
    {
        var guard = new PolicyGuard(() => NamespacePolicy.Default);
        guard.CheckWrite("/workspace/a");
        guard.CheckWrite("/logs/a");
        NamespacePathTests.AssertCode(VibeErrorCodes.PathNotWritable, () => guard.CheckWrite("/db/a"));
        NamespacePathTests.AssertCode(VibeErrorCodes.PathNotReadable, () => guard.CheckRead("/db/a"));
        guard.CheckSize("/workspace/a", NamespacePolicy.DefaultMaxFileBytes);
    }
}
