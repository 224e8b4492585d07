using Vibe.Contracts.Documents;
using Vibe.Contracts.Identity;
using Vibe.Grains.Identity;
using Vibe.Grains.Tests.Clustering;

namespace Vibe.Grains.Tests.Documents;

/// <summary>The document grain and the small identity grains, which need a cluster but no project.</summary>
public sealed class DocumentGrainTests(VibeClusterFixture fixture) : IClassFixture<VibeClusterFixture>
{
    readonly IGrainFactory _grains = fixture.Grains;

    IDocumentGrain NewDocument() => _grains.GetGrain<IDocumentGrain>($"{TestKeys.ProjectId("doc")}/src/App.tsx");

    [Fact]
    public async Task Set_text_stores_a_new_version_only_when_the_text_changes()
    {
        var doc = NewDocument();

        var first = await doc.SetTextAsync("hello 👋");
        var same = await doc.SetTextAsync("hello 👋");
        var second = await doc.SetTextAsync("hello 👋 world");

        // The version is the id of the last committed update: it grows with each change, not by one.
        Assert.True(first.Version > 0);
        Assert.Equal(first.Version, same.Version);
        Assert.True(second.Version > first.Version);
        Assert.Equal("hello 👋 world", second.Text);
    }

    [Fact]
    public async Task Edits_apply_in_order_and_survive_deactivation()
    {
        var doc = NewDocument();
        await doc.SetTextAsync("abc");

        var edited = await doc.ApplyEditsAsync([new TextEdit(3, 0, "d"), new TextEdit(0, 1, "A")]);
        await _grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Equal("Abcd", edited.Text);
        var reloaded = await doc.GetTextAsync();
        Assert.Equal((edited.Text, edited.Version), (reloaded.Text, reloaded.Version));
    }

    [Fact]
    public async Task Bad_edits_are_refused_and_leave_the_text_unchanged()
    {
        var doc = NewDocument();
        var before = await doc.SetTextAsync("abc");

        await VibeAssert.Code(VibeErrorCodes.Validation, () => doc.ApplyEditsAsync([new TextEdit(1, 0, "x"), new TextEdit(10, 0, "y")]));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => doc.ApplyEditsAsync(null!));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => doc.ApplyEditsAsync([null!]));

        Assert.Equal(before, await doc.GetTextAsync());
    }

    [Fact]
    public async Task Clear_forgets_the_text_and_the_document_can_be_written_again()
    {
        var doc = NewDocument();
        await doc.SetTextAsync("old");

        await doc.ClearAsync();
        Assert.Equal(new DocumentText("", 0, default), await doc.GetTextAsync());
        var again = await doc.SetTextAsync("new");

        Assert.Equal("new", again.Text);
        Assert.True(again.Version > 0);
    }

    [Fact]
    public async Task A_replayed_auth_event_id_is_refused_until_it_expires()
    {
        var eventId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var shard = _grains.GetGrain<IAuthReplayGrain>(AuthReplayGrain.ShardOf(eventId));

        Assert.True(await shard.TryConsumeAsync(eventId, DateTimeOffset.UtcNow.AddMinutes(1)));
        Assert.False(await shard.TryConsumeAsync(eventId, DateTimeOffset.UtcNow.AddMinutes(1)));

        var expired = eventId[..2] + new string('0', 62);
        Assert.True(await shard.TryConsumeAsync(expired, DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.True(await shard.TryConsumeAsync(expired, DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task A_user_adds_a_project_once_and_removes_it()
    {
        var user = _grains.GetGrain<IUserGrain>(TestKeys.Pubkey());

        await user.AddProjectAsync("p1");
        await user.AddProjectAsync("p2");
        await user.AddProjectAsync("p1");
        await user.RemoveProjectAsync("p2");
        await user.RemoveProjectAsync("never");

        Assert.Equal(["p1"], await user.GetProjectsAsync());
    }
}
