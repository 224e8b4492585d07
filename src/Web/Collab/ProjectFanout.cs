using Microsoft.AspNetCore.SignalR;
using Vibe.Contracts;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;

namespace Vibe.Web.Collab;

/// <summary>
/// Follows <c>project/{id}</c> while this node has IDE connections to the project and relays file-tree and
/// comment changes to the project's SignalR group. Any number of web nodes work without a SignalR backplane.
/// </summary>
public sealed class ProjectFanout(IClusterClient cluster, IHubContext<CollabHub> hub, ILogger<ProjectFanout> logger)
{
    readonly Following<Followed> _projects = new(logger);

    public static string ProjectGroup(string projectId) => "project:" + projectId;

    public Task AddAsync(string projectId) =>
        _projects.AddAsync(projectId, null, _ => cluster.FollowAsync<ProjectEvent>(StreamNames.Project, projectId, OnProjectEventAsync));

    public Task RemoveAsync(string projectId) => _projects.RemoveAsync(projectId, null);

    Task OnProjectEventAsync(ProjectEvent e)
    {
        var group = hub.Clients.Group(ProjectGroup(e.ProjectId));
        return e switch
        {
            NamespaceChanged change => group.SendAsync("TreeChanged", e.ProjectId, CollabViews.Tree(change)),
            CommentChanged { Comment: var c } when c.Resolved => group.SendAsync("CommentResolved", e.ProjectId, c.Id),
            CommentChanged { Comment: var c } => group.SendAsync("CommentAdded", e.ProjectId, CollabViews.Of(c)),
            _ => Task.CompletedTask,
        };
    }
}
