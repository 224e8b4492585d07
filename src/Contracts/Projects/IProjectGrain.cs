namespace Vibe.Contracts.Projects;

/// <summary>
/// A project: name, owner, members and roles, template, activity. Keyed by the project id.
/// Methods that change the project take the acting user's public key and check their role.
/// </summary>
[Alias("vibe.IProjectGrain")]
public interface IProjectGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<ProjectInfo> CreateAsync(string owner, string name, string template);
    [Alias("Get")] Task<ProjectInfo> GetAsync();
    [Alias("GetAccess")] Task<ProjectAccess> GetAccessAsync(string pubkey);
    [Alias("Rename")] Task<ProjectInfo> RenameAsync(string actor, string name);
    [Alias("SetArchived")] Task<ProjectInfo> SetArchivedAsync(string actor, bool archived);
    [Alias("Delete")] Task DeleteAsync(string actor);
    [Alias("SetMember")] Task<ProjectInfo> SetMemberAsync(string actor, string pubkey, ProjectRole role);
    [Alias("RemoveMember")] Task<ProjectInfo> RemoveMemberAsync(string actor, string pubkey);
    [Alias("RecordActivity")] Task RecordActivityAsync(string actor, string kind, string detail);
    [Alias("GetActivity")] Task<IReadOnlyList<ActivityEntry>> GetActivityAsync(int limit);
    [Alias("AddComment")] Task<Comment> AddCommentAsync(string actor, string path, byte[] anchorStart, byte[] anchorEnd, string text);
    [Alias("ResolveComment")] Task<Comment> ResolveCommentAsync(string actor, string commentId);
    [Alias("ListComments")] Task<IReadOnlyList<Comment>> ListCommentsAsync(string? path);
}
