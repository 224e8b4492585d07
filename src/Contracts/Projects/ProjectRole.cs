namespace Vibe.Contracts.Projects;

/// <summary>A member's role in a project; a higher value includes every right of the lower ones.</summary>
[GenerateSerializer, Alias("vibe.project-role")]
public enum ProjectRole
{
    None = 0,
    Viewer = 1,
    Editor = 2,
    Admin = 3,
}

public static class ProjectRoles
{
    public static bool TryParse(string? text, out ProjectRole role)
    {
        role = text switch
        {
            "viewer" => ProjectRole.Viewer,
            "editor" => ProjectRole.Editor,
            "admin" => ProjectRole.Admin,
            _ => ProjectRole.None,
        };
        return role != ProjectRole.None;
    }

    public static string ToWire(this ProjectRole role) => role switch
    {
        ProjectRole.Viewer => "viewer",
        ProjectRole.Editor => "editor",
        ProjectRole.Admin => "admin",
        _ => "none",
    };
}
