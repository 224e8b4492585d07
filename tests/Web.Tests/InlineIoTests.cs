using Vibe.Web.Hosting;

namespace Vibe.Web.Tests;

/// <summary>What a node sets for the runtime's socket engine before its first socket, and what it leaves to the operator.</summary>
public sealed class InlineIoTests
{
    static IReadOnlyList<(string Name, string Value)> Defaults(int cores, params (string Name, string Value)[] environment) =>
        InlineIo.Defaults(name => environment.Where(e => e.Name == name).Select(e => e.Value).FirstOrDefault(), cores);

    [Theory]
    [InlineData(1, "1")]
    [InlineData(2, "1")]
    [InlineData(3, "1")]
    [InlineData(8, "4")]
    public void An_unset_environment_gets_inline_completions_and_a_socket_thread_for_every_two_cores(int cores, string threads) =>
        Assert.Equal([(InlineIo.Variable, "1"), (InlineIo.ThreadCountVariable, threads)], Defaults(cores));

    [Fact]
    public void An_operators_thread_count_is_kept() =>
        Assert.Equal([(InlineIo.Variable, "1")], Defaults(2, (InlineIo.ThreadCountVariable, "2")));

    [Fact]
    public void Inline_completions_turned_off_leave_the_runtimes_own_thread_count() =>
        Assert.Empty(Defaults(16, (InlineIo.Variable, "0")));

    [Fact]
    public void Inline_completions_turned_on_by_the_operator_still_get_the_thread_count() =>
        Assert.Equal([(InlineIo.ThreadCountVariable, "2")], Defaults(4, (InlineIo.Variable, "1")));
}
