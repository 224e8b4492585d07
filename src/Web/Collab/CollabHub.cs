using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Vibe.Contracts.Documents;
using Vibe.Web.Preview;
using Vibe.Contracts.Errors;
using Vibe.Contracts.Identity;
using Vibe.Contracts.Projects;
using Vibe.Crdt.Protocols;
using Vibe.Grains.Documents;
using Vibe.Grains.Namespaces;
using Vibe.Web.Identity;
using Vibe.Web.Projects;

namespace Vibe.Web.Collab;

/// <summary>
/// <c>/hubs/collab</c>: documents (y-protocols frames), presence, comments and file-tree events for the
/// browser IDE. See docs/collab-protocol.md. Every invocation checks the caller's role; errors are
/// <see cref="HubException"/>s whose message starts with the stable code.
/// </summary>
[Authorize]
public sealed class CollabHub(IGrainFactory grains, DocumentFanout documents, LocalDocuments local, ProjectFanout projects, PreviewFanout previews) : Hub
{
    public const int MaxFrameBytes = 8 * 1024 * 1024;

    sealed record OpenDocument(string ProjectId, bool CanWrite);

    ConcurrentDictionary<string, OpenDocument> Documents => ItemOf<ConcurrentDictionary<string, OpenDocument>>("vibe.documents");

    ConcurrentDictionary<string, bool> Projects => ItemOf<ConcurrentDictionary<string, bool>>("vibe.projects");

    /// <summary>Per-connection state; a hub instance lives for one invocation, the connection's items for its lifetime.</summary>
    T ItemOf<T>(string key) where T : new()
    {
        lock (Context.Items)
        {
            if (Context.Items.TryGetValue(key, out var existing) && existing is T value)
                return value;
            var created = new T();
            Context.Items[key] = created;
            return created;
        }
    }

    string Me => Context.User!.Pubkey();

    public async Task<ProjectJoined> JoinProject(string projectId) => await Guarded(async () =>
    {
        await ProjectGuard.RequireAsync(grains, projectId, Me, ProjectRole.Viewer);
        var access = await grains.GetGrain<IProjectGrain>(projectId).GetAccessAsync(Me);
        if (Projects.TryAdd(projectId, true))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ProjectFanout.ProjectGroup(projectId));
            await projects.AddAsync(projectId);
            await previews.AddAsync(projectId, null);
        }
        return new ProjectJoined(projectId, access.Role.ToWire());
    });

    public async Task LeaveProject(string projectId)
    {
        if (Projects.TryRemove(projectId, out _))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, ProjectFanout.ProjectGroup(projectId));
            await projects.RemoveAsync(projectId);
            await previews.RemoveAsync(projectId, null);
        }
    }

    public async Task<DocumentJoined> JoinDocument(string projectId, string path) => await Guarded(async () =>
    {
        var (documentId, role) = await DocumentAccess.OpenAsync(grains, projectId, path, Me);
        var canWrite = role >= ProjectRole.Editor;
        if (Documents.TryAdd(documentId, new OpenDocument(projectId, canWrite)))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, DocumentFanout.DocumentGroup(documentId));
            await documents.AddAsync(documentId, null);
        }
        var frames = await grains.GetGrain<IDocumentGrain>(documentId).JoinAsync(Context.ConnectionId);
        foreach (var frame in frames)
            await Clients.Caller.SendAsync("Frame", documentId, frame);
        await Clients.Group(ProjectFanout.ProjectGroup(projectId)).SendAsync("PresenceChanged", projectId, await PresenceOfAsync("joined", documentId));
        return new DocumentJoined(documentId, role.ToWire(), !canWrite);
    });

    public async Task LeaveDocument(string documentId)
    {
        if (!Documents.TryRemove(documentId, out var open))
            return;
        await grains.GetGrain<IDocumentGrain>(documentId).LeaveAsync(Context.ConnectionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, DocumentFanout.DocumentGroup(documentId));
        await documents.RemoveAsync(documentId, null);
        await Clients.Group(ProjectFanout.ProjectGroup(open.ProjectId)).SendAsync("PresenceChanged", open.ProjectId, await PresenceOfAsync("left", documentId));
    }

    public async Task SendFrame(string documentId, byte[] frame)
    {
        if (!Documents.TryGetValue(documentId, out var open))
            throw new HubException($"{VibeErrorCodes.DocumentNotJoined}: join {documentId} before sending frames.");
        if (frame is null || frame.Length == 0 || frame.Length > MaxFrameBytes)
        {
            await Clients.Caller.SendAsync("FrameRejected", documentId, VibeErrorCodes.DocumentFrameTooLarge,
                $"A frame must be 1 to {MaxFrameBytes} bytes.");
            return;
        }
        // An update or awareness goes to a document active in this process on this thread (LocalDocuments). SignalR runs
        // one invocation of a connection at a time and this one waits for its answer, so it cannot overtake an earlier frame.
        var result = local.TryReceive(documentId, Context.ConnectionId, frame, open.CanWrite, out var direct)
            ? await direct
            : await grains.GetGrain<IDocumentGrain>(documentId).ReceiveFrameAsync(Context.ConnectionId, frame, open.CanWrite);
        foreach (var reply in result.Replies)
            await Clients.Caller.SendAsync("Frame", documentId, reply);
        if (result.ErrorCode is not null)
            await Clients.Caller.SendAsync("FrameRejected", documentId, result.ErrorCode, result.ErrorMessage);
    }

    public async Task<CommentView> AddComment(string projectId, string path, byte[] anchorStart, byte[] anchorEnd, string text) => await Guarded(async () =>
    {
        await ProjectGuard.RequireAsync(grains, projectId, Me, ProjectRole.Viewer);
        var comment = await grains.GetGrain<IProjectGrain>(projectId).AddCommentAsync(Me, NamespacePath.FromWorkspace(path), anchorStart, anchorEnd, text);
        return CollabViews.Of(comment);
    });

    public async Task ResolveComment(string projectId, string commentId) => await Guarded(async () =>
    {
        await ProjectGuard.RequireAsync(grains, projectId, Me, ProjectRole.Editor);
        await grains.GetGrain<IProjectGrain>(projectId).ResolveCommentAsync(Me, commentId);
        return true;
    });

    public async Task<IReadOnlyList<CommentView>> ListComments(string projectId, string path) => await Guarded(async () =>
    {
        await ProjectGuard.RequireAsync(grains, projectId, Me, ProjectRole.Viewer);
        var comments = await grains.GetGrain<IProjectGrain>(projectId).ListCommentsAsync(NamespacePath.FromWorkspace(path));
        return (IReadOnlyList<CommentView>)comments.Select(CollabViews.Of).ToList();
    });

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        foreach (var documentId in Documents.Keys.ToList())
            await LeaveDocument(documentId);
        foreach (var projectId in Projects.Keys.ToList())
            await LeaveProject(projectId);
        await base.OnDisconnectedAsync(exception);
    }

    async Task<Presence> PresenceOfAsync(string kind, string documentId)
    {
        // Read once per connection: a profile changed mid-session shows from the next connection on
        // (the browser's awareness carries the live one).
        if (Context.Items["profile"] is not UserProfile profile)
            Context.Items["profile"] = profile = await grains.GetGrain<IUserGrain>(Me).GetProfileAsync();
        return new(kind, Me, profile.Name ?? CollabViews.NameOf(Me), profile.Color ?? CollabViews.ColorOf(Me), documentId);
    }

    /// <summary>Typed Vibe errors reach the client as "code: message"; anything else stays generic.</summary>
    static async Task<T> Guarded<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (VibeException e)
        {
            throw new HubException($"{e.Code}: {e.Message}");
        }
    }
}
