namespace Vibe.Contracts.Errors;

/// <summary>Stable error codes; clients match on these, so never rename one.</summary>
public static class VibeErrorCodes
{
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string Validation = "validation";

    public const string PathInvalid = "path.invalid";
    public const string PathOutsideWorkspace = "path.outside_workspace";
    public const string PathNotReadable = "path.not_readable";
    public const string PathNotWritable = "path.not_writable";
    public const string PathExists = "path.exists";
    public const string PathIsDirectory = "path.is_directory";
    public const string PathNotDirectory = "path.not_directory";
    public const string FileNotFound = "file.not_found";
    public const string FileTooLarge = "file.too_large";
    public const string DirectoryNotEmpty = "dir.not_empty";

    public const string ProjectNotFound = "project.not_found";
    public const string ProjectExists = "project.exists";
    public const string ProjectArchived = "project.archived";
    public const string ProjectNameInvalid = "project.name_invalid";
    public const string TemplateUnknown = "project.template_unknown";
    public const string RoleInvalid = "member.role_invalid";
    public const string LastAdmin = "member.last_admin";
    public const string PubkeyInvalid = "member.pubkey_invalid";

    public const string DocumentReadOnly = "doc.read_only";
    public const string DocumentMalformedFrame = "doc.malformed_frame";
    public const string DocumentNotJoined = "doc.not_joined";
    public const string DocumentFrameTooLarge = "doc.frame_too_large";
    /// <summary>An update refers to content the document does not have (a stale or corrupt client); nothing applied.</summary>
    public const string DocumentUnknownContent = "doc.unknown_content";

    public const string Unauthenticated = "auth.required";
    public const string Forbidden = "auth.forbidden";

    /// <summary>The HTTP status that each code maps to; unknown codes are client errors.</summary>
    public static int HttpStatus(string code) => code switch
    {
        NotFound or FileNotFound or ProjectNotFound => 404,
        Conflict or PathExists or ProjectExists or DirectoryNotEmpty or LastAdmin => 409,
        FileTooLarge or DocumentFrameTooLarge => 413,
        Unauthenticated => 401,
        Forbidden or PathNotWritable or PathNotReadable or DocumentReadOnly => 403,
        ProjectArchived => 409,
        _ when code.StartsWith("auth.", StringComparison.Ordinal) => 401,
        _ => 400,
    };
}
