using Vibe.Contracts.Identity;
using Vibe.Contracts.Projects;
using Vibe.Grains.Projects;
using Vibe.Web.Identity;

namespace Vibe.Web.Projects;

public sealed record CreateProjectRequest(string? Name, string? Template);
public sealed record UpdateProjectRequest(string? Name, bool? Archived);
public sealed record MemberRequest(string? Role);
public sealed record MemberView(string Pubkey, string Role);
public sealed record ProjectView(string Id, string Name, string Owner, string Template, IReadOnlyList<MemberView> Members,
    DateTimeOffset CreatedAt, bool Archived, string Role);

public static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("Projects").RequireAuthorization();

        projects.MapPost("/", async (CreateProjectRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            var name = ProjectRules.ValidName(body.Name);
            var id = ProjectRules.NewId(name);
            var info = await grains.GetGrain<IProjectGrain>(id).CreateAsync(me, name, body.Template ?? "blank");
            return Results.Created($"/api/projects/{info.Id}", View(info, me));
        }).WithName("CreateProject");

        projects.MapGet("/", async (HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            var ids = await grains.GetGrain<IUserGrain>(me).GetProjectsAsync();
            var views = new List<ProjectView>();
            foreach (var id in ids)
            {
                var project = grains.GetGrain<IProjectGrain>(id);
                var access = await project.GetAccessAsync(me);
                if (access.Exists && access.Role != ProjectRole.None)
                    views.Add(View(await project.GetAsync(), me));
            }
            return Results.Ok(views.OrderByDescending(v => v.CreatedAt));
        }).WithName("ListProjects");

        projects.MapGet("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Viewer);
            return Results.Ok(View(await grains.GetGrain<IProjectGrain>(id).GetAsync(), me));
        }).WithName("GetProject");

        projects.MapPatch("/{id}", async (string id, UpdateProjectRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Admin);
            var project = grains.GetGrain<IProjectGrain>(id);
            var info = await project.GetAsync();
            if (body.Name is not null)
                info = await project.RenameAsync(me, body.Name);
            if (body.Archived is { } archived)
                info = await project.SetArchivedAsync(me, archived);
            return Results.Ok(View(info, me));
        }).WithName("UpdateProject");

        projects.MapDelete("/{id}", async (string id, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Admin);
            await grains.GetGrain<IProjectGrain>(id).DeleteAsync(me);
            return Results.NoContent();
        }).WithName("DeleteProject");

        projects.MapPut("/{id}/members/{pubkey}", async (string id, string pubkey, MemberRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Admin, writes: true);
            if (!ProjectRoles.TryParse(body.Role, out var role))
                throw new VibeException(VibeErrorCodes.RoleInvalid, "role must be \"admin\", \"editor\" or \"viewer\".");
            var info = await grains.GetGrain<IProjectGrain>(id).SetMemberAsync(me, pubkey, role);
            return Results.Ok(View(info, me));
        }).WithName("SetMember");

        projects.MapDelete("/{id}/members/{pubkey}", async (string id, string pubkey, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Admin, writes: true);
            await grains.GetGrain<IProjectGrain>(id).RemoveMemberAsync(me, pubkey);
            return Results.NoContent();
        }).WithName("RemoveMember");

        projects.MapGet("/{id}/activity", async (string id, int? limit, HttpContext http, IGrainFactory grains) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Viewer);
            return Results.Ok(await grains.GetGrain<IProjectGrain>(id).GetActivityAsync(limit ?? 50));
        }).WithName("GetActivity");

        return projects;
    }

    static ProjectView View(ProjectInfo info, string me) => new(
        info.Id, info.Name, info.Owner, info.Template,
        info.Members.OrderByDescending(m => m.Value).ThenBy(m => m.Key).Select(m => new MemberView(m.Key, m.Value.ToWire())).ToList(),
        info.CreatedAt, info.Archived,
        info.Members.TryGetValue(me, out var role) ? role.ToWire() : ProjectRole.None.ToWire());
}
