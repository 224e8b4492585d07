using System.Text.RegularExpressions;
using Vibe.Contracts.Projects;
using Vibe.Grains.Projects;
using Vibe.Grains.Tests.Namespaces;

namespace Vibe.Grains.Tests.Projects;

public sealed class ProjectRulesTests
{
    const string Alice = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const string Bob = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    [Theory]
    [InlineData("Todo app", "Todo app")]
    [InlineData("  padded  ", "padded")]
    [InlineData("ünïcødé 👍", "ünïcødé 👍")]
    public void Valid_names_are_trimmed(string name, string expected) => Assert.Equal(expected, ProjectRules.ValidName(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\tinside")]
    [InlineData("line\nbreak")]
    public void Empty_or_control_character_names_are_refused(string? name) =>
        NamespacePathTests.AssertCode(VibeErrorCodes.ProjectNameInvalid, () => ProjectRules.ValidName(name));

    [Fact]
    public void Names_longer_than_the_limit_are_refused()
    {
        Assert.Equal(ProjectRules.MaxNameLength, ProjectRules.ValidName(new string('n', ProjectRules.MaxNameLength)).Length);
        NamespacePathTests.AssertCode(VibeErrorCodes.ProjectNameInvalid, () => ProjectRules.ValidName(new string('n', ProjectRules.MaxNameLength + 1)));
    }

    [Fact]
    public void A_pubkey_is_64_lowercase_hex_digits()
    {
        var key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        Assert.Equal(key, ProjectRules.ValidPubkey(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0")]
    [InlineData("npub1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")]
    public void Malformed_pubkeys_are_refused(string? key) =>
        NamespacePathTests.AssertCode(VibeErrorCodes.PubkeyInvalid, () => ProjectRules.ValidPubkey(key));

    [Fact]
    public void Demoting_or_removing_the_last_admin_is_refused()
    {
        var members = new Dictionary<string, ProjectRole> { [Alice] = ProjectRole.Admin, [Bob] = ProjectRole.Editor };
        NamespacePathTests.AssertCode(VibeErrorCodes.LastAdmin, () => ProjectRules.KeepsAnAdmin(members, Alice, ProjectRole.Editor));
        NamespacePathTests.AssertCode(VibeErrorCodes.LastAdmin, () => ProjectRules.KeepsAnAdmin(members, Alice, ProjectRole.None));
    }

    [Fact]
    public void Changes_that_keep_an_admin_are_allowed()
    {
        var members = new Dictionary<string, ProjectRole> { [Alice] = ProjectRole.Admin, [Bob] = ProjectRole.Editor };
        ProjectRules.KeepsAnAdmin(members, Bob, ProjectRole.Viewer);
        ProjectRules.KeepsAnAdmin(members, Bob, ProjectRole.None);
        ProjectRules.KeepsAnAdmin(members, Alice, ProjectRole.Admin);
        members[Bob] = ProjectRole.Admin;
        ProjectRules.KeepsAnAdmin(members, Alice, ProjectRole.None);
    }

    [Theory]
    [InlineData("Todo App", "todo-app")]
    [InlineData("  --Hello,   World!--  ", "hello-world")]
    [InlineData("a very long project name that goes on and on", "a-very-long-project-name")]
    [InlineData("Ünïcødé", "n-c-d")]
    public void New_ids_are_a_slug_of_the_name_and_a_random_suffix(string name, string slug)
    {
        var id = ProjectRules.NewId(name);
        Assert.Matches(new Regex($"^{Regex.Escape(slug)}-[a-km-np-z2-9]{{6}}$"), id);
        Assert.True(ProjectRules.IsValidId(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("!!!")]
    [InlineData("日本語")]
    public void Names_without_slug_characters_get_just_the_random_suffix(string name)
    {
        var id = ProjectRules.NewId(name);
        Assert.Matches("^[a-km-np-z2-9]{6}$", id);
        Assert.True(ProjectRules.IsValidId(id));
    }

    [Fact]
    public void New_ids_differ_each_time() =>
        Assert.Equal(50, Enumerable.Range(0, 50).Select(_ => ProjectRules.NewId("same")).Distinct().Count());

    [Fact]
    public void A_slug_cut_at_24_characters_does_not_end_with_a_dash()
    {
        var id = ProjectRules.NewId("abcdefghijklmnopqrstuvw xyz");
        Assert.Matches("^abcdefghijklmnopqrstuvw-[a-km-np-z2-9]{6}$", id);
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("todo-app-k3x9q2", true)]
    [InlineData("", false)]
    [InlineData("Abc", false)]
    [InlineData("a/b", false)]
    [InlineData("a_b", false)]
    [InlineData("..", false)]
    public void Valid_ids_are_short_lowercase_slugs(string id, bool valid) => Assert.Equal(valid, ProjectRules.IsValidId(id));

    [Fact]
    public void Ids_longer_than_64_characters_are_invalid()
    {
        Assert.True(ProjectRules.IsValidId(new string('a', 64)));
        Assert.False(ProjectRules.IsValidId(new string('a', 65)));
    }
}
