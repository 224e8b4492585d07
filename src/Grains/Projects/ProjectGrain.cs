using Vibe.Contracts.Identity;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Orleans.Streams;
using Vibe.Grains.Namespaces;

namespace Vibe.Grains.Projects;

/// <summary>A project's identity, membership and activity; its files live in its namespace grain.</summary>
public sealed class ProjectGrain(
    [PersistentState("project", StreamNames.Storage)] IPersistentState<ProjectState> state,
    TimeProvider time) : Grain, IProjectGrain
{
    ProjectState S => state.State;
    string Id => this.GetPrimaryKeyString();

    public async Task<ProjectInfo> CreateAsync(string owner, string name, string template)
    {
        if (S.Created)
            throw new VibeException(VibeErrorCodes.ProjectExists, $"Project {Id} already exists.");
        if (!ProjectRules.IsValidId(Id))
            throw new VibeException(VibeErrorCodes.Validation, "A project id is 1-64 characters of a-z, 0-9 and '-'.");
        owner = ProjectRules.ValidPubkey(owner);
        name = ProjectRules.ValidName(name);
        template = string.IsNullOrWhiteSpace(template) ? "blank" : template;
        if (!ProjectTemplates.TryGet(template, out var files))
            throw new VibeException(VibeErrorCodes.TemplateUnknown,
                $"Unknown template '{template}'; choose one of {string.Join(", ", ProjectTemplates.Names.Order())}.");

        var now = time.GetUtcNow();
        S.Created = true;
        S.Name = name;
        S.Owner = owner;
        S.Template = template;
        S.CreatedAt = now;
        S.Members[owner] = ProjectRole.Admin;
        Record(owner, "created", $"from template {template}");
        await state.WriteStateAsync();

        var ns = GrainFactory.GetGrain<INamespaceGrain>(Id);
        foreach (var (path, bytes) in files)
            await ns.WriteAsync(NamespacePath.Workspace + path, bytes);
        await GrainFactory.GetGrain<IUserGrain>(owner).AddProjectAsync(Id);
        Hosting.VibeTelemetry.ProjectsCreated.Add(1);
        return Info();
    }

    public Task<ProjectInfo> GetAsync()
    {
        RequireExists();
        return Task.FromResult(Info());
    }

    public Task<ProjectAccess> GetAccessAsync(string pubkey)
    {
        var exists = S.Created && !S.Deleted;
        var role = exists && pubkey is not null && S.Members.TryGetValue(pubkey, out var r) ? r : ProjectRole.None;
        return Task.FromResult(new ProjectAccess(exists, role, S.Archived));
    }

    public async Task<ProjectInfo> RenameAsync(string actor, string name)
    {
        RequireAdmin(actor);
        var old = S.Name;
        S.Name = ProjectRules.ValidName(name);
        Record(actor, "renamed", $"{old} → {S.Name}");
        await state.WriteStateAsync();
        return Info();
    }

    public async Task<ProjectInfo> SetArchivedAsync(string actor, bool archived)
    {
        RequireAdmin(actor);
        if (S.Archived != archived)
        {
            S.Archived = archived;
            Record(actor, archived ? "archived" : "unarchived", "");
            await state.WriteStateAsync();
        }
        return Info();
    }

    public async Task DeleteAsync(string actor)
    {
        RequireAdmin(actor);
        // Tombstone first: from here on nobody can reach the project, even if clean-up below is interrupted.
        S.Deleted = true;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<INamespaceGrain>(Id).DestroyAsync();
        foreach (var member in S.Members.Keys)
            await GrainFactory.GetGrain<IUserGrain>(member).RemoveProjectAsync(Id);
    }

    public async Task<ProjectInfo> SetMemberAsync(string actor, string pubkey, ProjectRole role)
    {
        RequireAdmin(actor);
        pubkey = ProjectRules.ValidPubkey(pubkey);
        if (role is not (ProjectRole.Viewer or ProjectRole.Editor or ProjectRole.Admin))
            throw new VibeException(VibeErrorCodes.RoleInvalid, "A role is admin, editor or viewer.");
        ProjectRules.KeepsAnAdmin(S.Members, pubkey, role);
        var isNew = !S.Members.ContainsKey(pubkey);
        S.Members[pubkey] = role;
        Record(actor, isNew ? "member-added" : "member-changed", $"{pubkey} as {role.ToWire()}");
        await state.WriteStateAsync();
        if (isNew)
            await GrainFactory.GetGrain<IUserGrain>(pubkey).AddProjectAsync(Id);
        return Info();
    }

    public async Task<ProjectInfo> RemoveMemberAsync(string actor, string pubkey)
    {
        RequireAdmin(actor);
        pubkey = ProjectRules.ValidPubkey(pubkey);
        if (!S.Members.ContainsKey(pubkey))
            throw new VibeException(VibeErrorCodes.NotFound, $"{pubkey} is not a member of this project.");
        ProjectRules.KeepsAnAdmin(S.Members, pubkey, ProjectRole.None);
        S.Members.Remove(pubkey);
        Record(actor, "member-removed", pubkey);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IUserGrain>(pubkey).RemoveProjectAsync(Id);
        return Info();
    }

    public async Task RecordActivityAsync(string actor, string kind, string detail)
    {
        RequireExists();
        Record(actor, kind, detail);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ActivityEntry>> GetActivityAsync(int limit)
    {
        RequireExists();
        IReadOnlyList<ActivityEntry> recent = S.Activity.AsEnumerable().Reverse().Take(Math.Clamp(limit, 1, ProjectRules.MaxActivity)).ToList();
        return Task.FromResult(recent);
    }

    public async Task<Comment> AddCommentAsync(string actor, string path, byte[] anchorStart, byte[] anchorEnd, string text)
    {
        RequireRole(actor, ProjectRole.Viewer);
        text = text?.Trim() ?? "";
        if (text.Length is 0 or > ProjectRules.MaxCommentLength)
            throw new VibeException(VibeErrorCodes.Validation, $"A comment is 1 to {ProjectRules.MaxCommentLength} characters.");
        if (anchorStart is not { Length: > 0 and <= 256 } || anchorEnd is not { Length: > 0 and <= 256 })
            throw new VibeException(VibeErrorCodes.Validation, "Comment anchors are encoded relative positions of at most 256 bytes.");
        var comment = new Comment(Guid.NewGuid().ToString("N")[..12], NamespacePath.Normalize(path), anchorStart, anchorEnd, text, actor, time.GetUtcNow(), false);
        S.Comments.Add(comment);
        await state.WriteStateAsync();
        await PublishAsync(new CommentChanged(Id, comment));
        return comment;
    }

    public async Task<Comment> ResolveCommentAsync(string actor, string commentId)
    {
        RequireRole(actor, ProjectRole.Editor);
        var index = S.Comments.FindIndex(c => c.Id == commentId);
        if (index < 0)
            throw new VibeException(VibeErrorCodes.NotFound, $"Comment {commentId} does not exist.");
        var resolved = S.Comments[index] with { Resolved = true };
        S.Comments[index] = resolved;
        await state.WriteStateAsync();
        await PublishAsync(new CommentChanged(Id, resolved));
        return resolved;
    }

    public Task<IReadOnlyList<Comment>> ListCommentsAsync(string? path)
    {
        RequireExists();
        var normalized = path is null ? null : NamespacePath.Normalize(path);
        IReadOnlyList<Comment> list = S.Comments.Where(c => normalized is null || c.Path == normalized).ToList();
        return Task.FromResult(list);
    }

    Task PublishAsync(ProjectEvent e) =>
        this.GetStreamProvider(StreamNames.Provider).GetStream<ProjectEvent>(StreamId.Create(StreamNames.Project, Id)).OnNextAsync(e);

    void RequireRole(string actor, ProjectRole minimum)
    {
        RequireExists();
        if (!S.Members.TryGetValue(actor, out var role) || role < minimum)
            throw new VibeException(VibeErrorCodes.Forbidden, $"This needs the {minimum.ToWire()} role.");
    }

    void Record(string actor, string kind, string detail)
    {
        S.Activity.Add(new ActivityEntry(time.GetUtcNow(), actor, kind, detail));
        if (S.Activity.Count > ProjectRules.MaxActivity)
            S.Activity.RemoveRange(0, S.Activity.Count - ProjectRules.MaxActivity);
    }

    void RequireExists()
    {
        if (!S.Created || S.Deleted)
            throw new VibeException(VibeErrorCodes.ProjectNotFound, $"Project {Id} does not exist.");
    }

    void RequireAdmin(string actor)
    {
        RequireExists();
        if (actor is null || !S.Members.TryGetValue(actor, out var role) || role != ProjectRole.Admin)
            throw new VibeException(VibeErrorCodes.Forbidden, "Only a project admin can do this.");
    }

    ProjectInfo Info() => new(Id, S.Name, S.Owner, S.Template, new Dictionary<string, ProjectRole>(S.Members), S.CreatedAt, S.Archived);
}
