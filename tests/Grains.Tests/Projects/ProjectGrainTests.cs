using System.Text;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Identity;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Vibe.Grains.Blobs;
using Vibe.Grains.Projects;
using Vibe.Grains.Tests.Clustering;

namespace Vibe.Grains.Tests.Projects;

public sealed class ProjectGrainTests(VibeClusterFixture fixture) : IClassFixture<VibeClusterFixture>
{
    readonly IGrainFactory _grains = fixture.Grains;

    async Task<(string Id, string Owner, IProjectGrain Project)> CreateAsync(string template = "react")
    {
        var id = TestKeys.ProjectId();
        var owner = TestKeys.Pubkey();
        var project = _grains.GetGrain<IProjectGrain>(id);
        await project.CreateAsync(owner, "Todo app", template);
        return (id, owner, project);
    }

    [Fact]
    public async Task Creating_from_the_react_template_writes_its_files_as_documents()
    {
        var id = TestKeys.ProjectId();
        var owner = TestKeys.Pubkey();

        var info = await _grains.GetGrain<IProjectGrain>(id).CreateAsync(owner, "  Todo app ", "react");

        Assert.Equal((id, "Todo app", owner, "react", false), (info.Id, info.Name, info.Owner, info.Template, info.Archived));
        Assert.Equal(ProjectRole.Admin, Assert.Single(info.Members, m => m.Key == owner).Value);
        Assert.True(ProjectTemplates.TryGet("react", out var files));
        var ns = _grains.GetGrain<INamespaceGrain>(id);
        var tree = (await ns.TreeAsync("/workspace")).Where(e => e.Kind == FileKind.File).Select(e => e.Path).ToHashSet();
        Assert.Equal(files.Keys.Select(p => "/workspace" + p).ToHashSet(), tree);
        foreach (var (path, bytes) in files)
        {
            var document = await _grains.GetGrain<IDocumentGrain>($"{id}{path}").GetTextAsync();
            Assert.Equal(Encoding.UTF8.GetString(bytes), document.Text);
            Assert.Equal(bytes, (await ns.ReadAsync("/workspace" + path)).Bytes);
        }
        var app = await _grains.GetGrain<IDocumentGrain>($"{id}/src/App.tsx").GetTextAsync();
        Assert.True(app.Version > 0);
        Assert.Contains("App", app.Text);
    }

    [Fact]
    public async Task A_binary_file_is_stored_as_a_blob_and_reads_back_byte_identical()
    {
        var (id, _, _) = await CreateAsync();
        var png = Png(4096, seed: 7);
        var ns = _grains.GetGrain<INamespaceGrain>(id);

        var entry = await ns.WriteAsync("/workspace/public/logo.png", png);

        Assert.Equal(png.Length, entry.Size);
        Assert.Equal(png, (await ns.ReadAsync("/workspace/public/logo.png")).Bytes);
        var hash = BlobHash.Of(png);
        Assert.Equal(png, await File.ReadAllBytesAsync(Path.Combine(fixture.Options.FullDataDir, "blobs", hash[..2], hash)));
        Assert.Equal(0, (await _grains.GetGrain<IDocumentGrain>($"{id}/public/logo.png").GetTextAsync()).Version);
    }

    [Fact]
    public async Task The_blank_template_is_the_default()
    {
        var id = TestKeys.ProjectId();
        var info = await _grains.GetGrain<IProjectGrain>(id).CreateAsync(TestKeys.Pubkey(), "Blank", " ");
        Assert.Equal("blank", info.Template);
        Assert.Contains(await _grains.GetGrain<INamespaceGrain>(id).ReadDirAsync("/workspace"), e => e.Path == "/workspace/index.html");
    }

    [Fact]
    public async Task Bad_creation_requests_are_refused_with_typed_errors_and_create_nothing()
    {
        var owner = TestKeys.Pubkey();
        var id = TestKeys.ProjectId();
        var project = _grains.GetGrain<IProjectGrain>(id);

        await VibeAssert.Code(VibeErrorCodes.TemplateUnknown, () => project.CreateAsync(owner, "x", "angular"));
        await VibeAssert.Code(VibeErrorCodes.PubkeyInvalid, () => project.CreateAsync("not-a-key", "x", "blank"));
        await VibeAssert.Code(VibeErrorCodes.ProjectNameInvalid, () => project.CreateAsync(owner, "  ", "blank"));
        await VibeAssert.Code(VibeErrorCodes.Validation, () => _grains.GetGrain<IProjectGrain>("Bad_Id").CreateAsync(owner, "x", "blank"));
        await VibeAssert.Code(VibeErrorCodes.ProjectNotFound, () => project.GetAsync());
        Assert.False((await project.GetAccessAsync(owner)).Exists);
        Assert.Empty(await _grains.GetGrain<IUserGrain>(owner).GetProjectsAsync());

        await project.CreateAsync(owner, "x", "blank");
        await VibeAssert.Code(VibeErrorCodes.ProjectExists, () => project.CreateAsync(owner, "y", "blank"));
    }

    [Fact]
    public async Task Admin_renames_and_archives_and_others_are_forbidden()
    {
        var (_, owner, project) = await CreateAsync("blank");
        var editor = TestKeys.Pubkey();
        await project.SetMemberAsync(owner, editor, ProjectRole.Editor);

        Assert.Equal("Renamed", (await project.RenameAsync(owner, " Renamed ")).Name);
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.RenameAsync(editor, "Mine"));
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.RenameAsync(TestKeys.Pubkey(), "Mine"));
        await VibeAssert.Code(VibeErrorCodes.ProjectNameInvalid, () => project.RenameAsync(owner, ""));
        Assert.Equal("Renamed", (await project.GetAsync()).Name);

        Assert.True((await project.SetArchivedAsync(owner, true)).Archived);
        Assert.Equal(new ProjectAccess(true, ProjectRole.Editor, true), await project.GetAccessAsync(editor));
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.SetArchivedAsync(editor, false));
        Assert.False((await project.SetArchivedAsync(owner, false)).Archived);
        Assert.False((await project.GetAsync()).Archived);
    }

    [Fact]
    public async Task Deleting_removes_the_project_its_files_and_its_place_in_every_users_list()
    {
        var (id, owner, project) = await CreateAsync();
        var viewer = TestKeys.Pubkey();
        await project.SetMemberAsync(owner, viewer, ProjectRole.Viewer);
        var ns = _grains.GetGrain<INamespaceGrain>(id);
        await ns.WriteAsync("/logs/build.log", Encoding.UTF8.GetBytes("ok"));

        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.DeleteAsync(viewer));
        await project.DeleteAsync(owner);

        await VibeAssert.Code(VibeErrorCodes.ProjectNotFound, () => project.GetAsync());
        await VibeAssert.Code(VibeErrorCodes.ProjectNotFound, () => project.GetActivityAsync(10));
        await VibeAssert.Code(VibeErrorCodes.ProjectNotFound, () => project.DeleteAsync(owner));
        Assert.Equal(new ProjectAccess(false, ProjectRole.None, false), await project.GetAccessAsync(owner));
        Assert.DoesNotContain(id, await _grains.GetGrain<IUserGrain>(owner).GetProjectsAsync());
        Assert.DoesNotContain(id, await _grains.GetGrain<IUserGrain>(viewer).GetProjectsAsync());
        Assert.Empty(await ns.ReadDirAsync("/workspace"));
        Assert.Empty(await ns.ReadDirAsync("/logs"));
        Assert.Equal(new DocumentText("", 0, default), await _grains.GetGrain<IDocumentGrain>($"{id}/src/App.tsx").GetTextAsync());
        // The tombstone keeps the id from being reused by someone else.
        await VibeAssert.Code(VibeErrorCodes.ProjectExists, () => project.CreateAsync(TestKeys.Pubkey(), "again", "blank"));
    }

    [Fact]
    public async Task Members_get_roles_and_the_project_appears_in_their_list()
    {
        var (id, owner, project) = await CreateAsync("blank");
        var bob = TestKeys.Pubkey();
        var carol = TestKeys.Pubkey();

        await project.SetMemberAsync(owner, bob, ProjectRole.Editor);
        var info = await project.SetMemberAsync(owner, carol, ProjectRole.Viewer);

        Assert.Equal(ProjectRole.Editor, info.Members[bob]);
        Assert.Equal(ProjectRole.Viewer, info.Members[carol]);
        Assert.Equal([id], await _grains.GetGrain<IUserGrain>(owner).GetProjectsAsync());
        Assert.Equal([id], await _grains.GetGrain<IUserGrain>(bob).GetProjectsAsync());
        Assert.Equal([id], await _grains.GetGrain<IUserGrain>(carol).GetProjectsAsync());
        Assert.Equal(ProjectRole.Viewer, (await project.GetAccessAsync(carol)).Role);
        Assert.Equal(ProjectRole.None, (await project.GetAccessAsync(TestKeys.Pubkey())).Role);

        await project.SetMemberAsync(owner, carol, ProjectRole.Admin);
        Assert.Equal(ProjectRole.Admin, (await project.GetAccessAsync(carol)).Role);
        Assert.Equal([id], await _grains.GetGrain<IUserGrain>(carol).GetProjectsAsync());

        info = await project.RemoveMemberAsync(owner, bob);
        Assert.False(info.Members.ContainsKey(bob));
        Assert.Empty(await _grains.GetGrain<IUserGrain>(bob).GetProjectsAsync());
        Assert.Equal(ProjectRole.None, (await project.GetAccessAsync(bob)).Role);
        await VibeAssert.Code(VibeErrorCodes.NotFound, () => project.RemoveMemberAsync(owner, bob));
    }

    [Fact]
    public async Task A_user_lists_every_project_they_belong_to()
    {
        var user = TestKeys.Pubkey();
        var first = TestKeys.ProjectId();
        var second = TestKeys.ProjectId();
        await _grains.GetGrain<IProjectGrain>(first).CreateAsync(user, "One", "blank");
        var (_, otherOwner, other) = await CreateAsync("blank");
        await other.SetMemberAsync(otherOwner, user, ProjectRole.Viewer);
        await _grains.GetGrain<IProjectGrain>(second).CreateAsync(user, "Two", "blank");

        var projects = await _grains.GetGrain<IUserGrain>(user).GetProjectsAsync();

        Assert.Equal(new HashSet<string> { first, second, other.GetPrimaryKeyString() }, projects.ToHashSet());
        Assert.Equal(3, projects.Count);
    }

    [Fact]
    public async Task The_last_admin_cannot_leave_or_step_down()
    {
        var (_, owner, project) = await CreateAsync("blank");
        var bob = TestKeys.Pubkey();

        await VibeAssert.Code(VibeErrorCodes.LastAdmin, () => project.SetMemberAsync(owner, owner, ProjectRole.Editor));
        await VibeAssert.Code(VibeErrorCodes.LastAdmin, () => project.RemoveMemberAsync(owner, owner));
        Assert.Equal(ProjectRole.Admin, (await project.GetAccessAsync(owner)).Role);

        await project.SetMemberAsync(owner, bob, ProjectRole.Admin);
        await project.SetMemberAsync(owner, owner, ProjectRole.Viewer);
        Assert.Equal(ProjectRole.Viewer, (await project.GetAccessAsync(owner)).Role);
        await VibeAssert.Code(VibeErrorCodes.LastAdmin, () => project.RemoveMemberAsync(bob, bob));
    }

    [Fact]
    public async Task Only_admins_manage_members_and_roles_must_be_real()
    {
        var (_, owner, project) = await CreateAsync("blank");
        var editor = TestKeys.Pubkey();
        var viewer = TestKeys.Pubkey();
        await project.SetMemberAsync(owner, editor, ProjectRole.Editor);
        await project.SetMemberAsync(owner, viewer, ProjectRole.Viewer);

        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.SetMemberAsync(editor, TestKeys.Pubkey(), ProjectRole.Viewer));
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.SetMemberAsync(editor, editor, ProjectRole.Admin));
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.RemoveMemberAsync(viewer, editor));
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.SetMemberAsync("not-a-key", viewer, ProjectRole.Admin));
        await VibeAssert.Code(VibeErrorCodes.RoleInvalid, () => project.SetMemberAsync(owner, viewer, ProjectRole.None));
        await VibeAssert.Code(VibeErrorCodes.RoleInvalid, () => project.SetMemberAsync(owner, viewer, (ProjectRole)42));
        await VibeAssert.Code(VibeErrorCodes.PubkeyInvalid, () => project.SetMemberAsync(owner, "ABC", ProjectRole.Viewer));

        var members = (await project.GetAsync()).Members;
        Assert.Equal(3, members.Count);
        Assert.Equal(ProjectRole.Editor, members[editor]);
        Assert.Equal(ProjectRole.Viewer, members[viewer]);
    }

    [Fact]
    public async Task Activity_lists_actions_newest_first()
    {
        var (_, owner, project) = await CreateAsync("blank");
        var bob = TestKeys.Pubkey();
        await project.RenameAsync(owner, "Second name");
        await project.SetMemberAsync(owner, bob, ProjectRole.Editor);
        await project.SetMemberAsync(owner, bob, ProjectRole.Viewer);
        await project.SetArchivedAsync(owner, true);
        await project.RecordActivityAsync(bob, "file-saved", "src/App.tsx");
        await project.RemoveMemberAsync(owner, bob);

        var activity = await project.GetActivityAsync(50);

        Assert.Equal(["member-removed", "file-saved", "archived", "member-changed", "member-added", "renamed", "created"], activity.Select(a => a.Kind));
        Assert.Equal(bob, activity[1].Actor);
        Assert.Equal("src/App.tsx", activity[1].Detail);
        Assert.All(activity.Zip(activity.Skip(1)), pair => Assert.True(pair.First.At >= pair.Second.At));
        Assert.Equal(["member-removed", "file-saved"], (await project.GetActivityAsync(2)).Select(a => a.Kind));
        Assert.Single(await project.GetActivityAsync(0));
    }

    [Fact]
    public async Task Activity_keeps_only_the_most_recent_entries()
    {
        var (_, owner, project) = await CreateAsync("blank");
        for (var i = 0; i < ProjectRules.MaxActivity + 5; i++)
            await project.RecordActivityAsync(owner, "tick", i.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var activity = await project.GetActivityAsync(int.MaxValue);

        Assert.Equal(ProjectRules.MaxActivity, activity.Count);
        Assert.Equal((ProjectRules.MaxActivity + 4).ToString(System.Globalization.CultureInfo.InvariantCulture), activity[0].Detail);
    }

    [Fact]
    public async Task Project_and_user_state_survive_deactivation()
    {
        var (id, owner, project) = await CreateAsync("blank");
        var bob = TestKeys.Pubkey();
        await project.SetMemberAsync(owner, bob, ProjectRole.Editor);
        await project.RenameAsync(owner, "Kept");
        var info = await project.SetArchivedAsync(owner, true);
        var activity = await project.GetActivityAsync(10);

        await _grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = await project.GetAsync();
        Assert.Equal((info.Name, info.Owner, info.Template, info.CreatedAt, info.Archived), (after.Name, after.Owner, after.Template, after.CreatedAt, after.Archived));
        Assert.Equal(info.Members.OrderBy(m => m.Key), after.Members.OrderBy(m => m.Key));
        Assert.Equal(activity, await project.GetActivityAsync(10));
        Assert.Equal([id], await _grains.GetGrain<IUserGrain>(bob).GetProjectsAsync());
    }

    [Fact]
    public async Task Missing_keys_are_refused_or_have_no_role_instead_of_crashing()
    {
        var (_, owner, project) = await CreateAsync("blank");

        Assert.Equal(ProjectRole.None, (await project.GetAccessAsync(null!)).Role);
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.RenameAsync(null!, "x"));
        await VibeAssert.Code(VibeErrorCodes.Forbidden, () => project.RemoveMemberAsync(null!, owner));
        await VibeAssert.Code(VibeErrorCodes.PubkeyInvalid, () => project.SetMemberAsync(owner, null!, ProjectRole.Viewer));
        await VibeAssert.Code(VibeErrorCodes.PubkeyInvalid, () => project.RemoveMemberAsync(owner, null!));
        await VibeAssert.Code(VibeErrorCodes.ProjectNameInvalid, () => project.RenameAsync(owner, null!));
    }

    /// <summary>Bytes that start like a PNG and contain NULs and invalid UTF-8, as a real image does.</summary>
    internal static byte[] Png(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];
        signature.CopyTo(bytes, 0);
        return bytes;
    }
}
