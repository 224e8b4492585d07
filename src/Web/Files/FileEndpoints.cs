using Microsoft.AspNetCore.StaticFiles;
using Vibe.Contracts.Errors;
using Vibe.Contracts.Namespaces;
using Vibe.Contracts.Projects;
using Vibe.Grains.Namespaces;
using Vibe.Web.Identity;
using Vibe.Web.Projects;

namespace Vibe.Web.Files;

public sealed record TreeEntryView(string Path, string Kind, long Size, DateTimeOffset Modified);
public sealed record MoveRequest(string? From, string? To);

/// <summary>The workspace over REST: paths are relative to <c>/workspace</c> of the project's namespace.</summary>
public static class FileEndpoints
{
    static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    public static RouteGroupBuilder MapFileEndpoints(this RouteGroupBuilder api)
    {
        var files = api.MapGroup("/projects/{id}").WithTags("Files").RequireAuthorization();

        files.MapGet("/tree", async (string id, string? path, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Viewer);
            var entries = await Namespace(grains, id).TreeAsync(NamespacePath.FromWorkspace(path));
            return Results.Ok(entries.Select(View));
        }).WithName("GetTree");

        files.MapGet("/files/{**path}", async (string id, string? path, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Viewer);
            var content = await Namespace(grains, id).ReadAsync(NamespacePath.FromWorkspace(RequirePath(path)));
            http.Response.Headers.LastModified = content.Entry.Modified.ToString("R");
            return Results.Bytes(content.Bytes, ContentTypeOf(content.Entry.Path));
        }).WithName("ReadFile");

        // The project's logs (/logs in the namespace: build.log, preview.log, ...), read-only for any member.
        files.MapGet("/logs/{**path}", async (string id, string? path, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Viewer);
            var content = await Namespace(grains, id).ReadAsync(LogPath(path));
            http.Response.Headers.LastModified = content.Entry.Modified.ToString("R");
            http.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(content.Bytes, "text/plain; charset=utf-8");
        }).WithName("ReadLog");

        files.MapPut("/files/{**path}", async (string id, string? path, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Editor, writes: true);
            var ns = Namespace(grains, id);
            var target = NamespacePath.FromWorkspace(RequirePath(path));
            var policy = await ns.GetPolicyAsync();
            var bytes = await ReadBodyAsync(http.Request, target, policy.MaxFileBytes, http.RequestAborted);
            var existed = await ExistsAsync(ns, target);
            var entry = await ns.WriteAsync(target, bytes);
            return existed ? Results.Ok(View(entry)) : Results.Created(FileUrl(id, target), View(entry));
        }).WithName("WriteFile");

        files.MapDelete("/files/{**path}", async (string id, string? path, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Editor, writes: true);
            await Namespace(grains, id).RemoveAsync(NamespacePath.FromWorkspace(RequirePath(path)));
            return Results.NoContent();
        }).WithName("DeleteFile");

        files.MapPost("/files:move", async (string id, MoveRequest body, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Editor, writes: true);
            var entry = await Namespace(grains, id).RenameAsync(
                NamespacePath.FromWorkspace(RequirePath(body.From, "from")),
                NamespacePath.FromWorkspace(RequirePath(body.To, "to")));
            return Results.Ok(View(entry));
        }).WithName("MoveFile");

        files.MapPost("/dirs/{**path}", async (string id, string? path, HttpContext http, IGrainFactory grains) =>
        {
            await ProjectGuard.RequireAsync(grains, id, http.User.Pubkey(), ProjectRole.Editor, writes: true);
            var entry = await Namespace(grains, id).MkdirAsync(NamespacePath.FromWorkspace(RequirePath(path)));
            return Results.Ok(View(entry));
        }).WithName("MakeDirectory");

        return files;
    }

    static INamespaceGrain Namespace(IGrainFactory grains, string id) => grains.GetGrain<INamespaceGrain>(id);

    /// <summary>The file's URL with each name percent-encoded: a header may only carry ASCII, and names may not be.</summary>
    static string FileUrl(string id, string path) =>
        $"/api/projects/{id}/files" + string.Join('/', NamespacePath.ToWorkspace(path).Split('/').Select(Uri.EscapeDataString));

    static TreeEntryView View(FileEntry e) =>
        new(NamespacePath.ToWorkspace(e.Path), e.Kind == FileKind.Directory ? "dir" : "file", e.Size, e.Modified);

    /// <summary>A name below <c>/logs</c>, validated by the same rules as workspace paths.</summary>
    static string LogPath(string? path)
    {
        var inWorkspace = NamespacePath.FromWorkspace(RequirePath(path));
        return "/logs" + inWorkspace[NamespacePath.Workspace.Length..];
    }

    static string RequirePath(string? path, string name = "path")
    {
        if (string.IsNullOrWhiteSpace(path) || path.Trim('/').Length == 0)
            throw new VibeException(VibeErrorCodes.PathInvalid, $"The {name} must name a file below /workspace.");
        return path;
    }

    static async Task<bool> ExistsAsync(INamespaceGrain ns, string path)
    {
        try
        {
            await ns.StatAsync(path);
            return true;
        }
        catch (VibeException e) when (e.Code == VibeErrorCodes.FileNotFound)
        {
            return false;
        }
    }

    /// <summary>Reads at most <paramref name="max"/> bytes; one more means the body is over the project's limit.</summary>
    static async Task<byte[]> ReadBodyAsync(HttpRequest request, string path, long max, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > max)
            throw new VibeException(VibeErrorCodes.FileTooLarge, $"{NamespacePath.ToWorkspace(path)} is {declared} bytes; the project's limit is {max} bytes.");
        if (request.Body.CanSeek)
            request.Body.Position = 0;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
                throw new VibeException(VibeErrorCodes.FileTooLarge, $"{NamespacePath.ToWorkspace(path)} is over the project's limit of {max} bytes.");
        }
        return buffer.ToArray();
    }

    static string ContentTypeOf(string path) =>
        ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";

    static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        // Source files are served as text so browsers and tools show them rather than download them.
        foreach (var ext in new[] { ".ts", ".tsx", ".jsx", ".mts", ".cts" })
            provider.Mappings[ext] = "text/plain; charset=utf-8";
        provider.Mappings[".toml"] = "application/toml";
        provider.Mappings[".md"] = "text/markdown; charset=utf-8";
        return provider;
    }
}
