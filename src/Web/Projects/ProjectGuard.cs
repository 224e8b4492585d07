using Vibe.Contracts.Errors;
using Vibe.Contracts.Projects;
using Vibe.Grains.Projects;

namespace Vibe.Web.Projects;

/// <summary>The role check every project endpoint makes before it touches a grain.</summary>
public static class ProjectGuard
{
    public static async Task RequireAsync(IGrainFactory grains, string projectId, string pubkey, ProjectRole minimum, bool writes = false)
    {
        // A malformed id names no project; answering 404 avoids activating grains for garbage keys.
        if (!ProjectRules.IsValidId(projectId))
            throw new VibeException(VibeErrorCodes.ProjectNotFound, $"Project {projectId} does not exist.");
        var access = await grains.GetGrain<IProjectGrain>(projectId).GetAccessAsync(pubkey);
        if (!access.Exists)
            throw new VibeException(VibeErrorCodes.ProjectNotFound, $"Project {projectId} does not exist.");
        if (access.Role < minimum)
            throw new VibeException(VibeErrorCodes.Forbidden,
                access.Role == ProjectRole.None
                    ? "You are not a member of this project."
                    : $"This needs the {minimum.ToWire()} role; you are {access.Role.ToWire()}.");
        if (writes && access.Archived)
            throw new VibeException(VibeErrorCodes.ProjectArchived, "The project is archived and read-only; unarchive it first.");
    }
}
