using Vibe.Contracts.Errors;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Vibe.Grains.Namespaces;
using Vibe.Web.Projects;

namespace Vibe.Web.Collab;

/// <summary>Opening a document for collaboration: checks the caller's role and that the file is text.</summary>
public static class DocumentAccess
{
    /// <returns>The document id and whether the caller may edit.</returns>
    public static async Task<(string DocumentId, ProjectRole Role)> OpenAsync(IGrainFactory grains, string projectId, string path, string pubkey)
    {
        await ProjectGuard.RequireAsync(grains, projectId, pubkey, ProjectRole.Viewer);
        var full = NamespacePath.FromWorkspace(path);
        if (full == NamespacePath.Workspace)
            throw new VibeException(VibeErrorCodes.PathInvalid, "Name a file below /workspace.");
        var entry = await grains.GetGrain<INamespaceGrain>(projectId).StatAsync(full);
        if (entry.Kind != FileKind.File)
            throw new VibeException(VibeErrorCodes.PathIsDirectory, $"{NamespacePath.ToWorkspace(full)} is a directory.");
        var access = await grains.GetGrain<IProjectGrain>(projectId).GetAccessAsync(pubkey);
        var role = access.Archived ? ProjectRole.Viewer : access.Role;
        return (WorkspaceContentStore.DocumentKey(projectId, full), role);
    }
}
