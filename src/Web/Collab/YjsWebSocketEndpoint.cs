using System.Net.WebSockets;
using Microsoft.AspNetCore.Authentication;
using Vibe.Contracts.Documents;
using Vibe.Contracts.Errors;
using Vibe.Contracts.Projects;
using Vibe.Crdt.Protocols;
using Vibe.Grains.Documents;
using Vibe.Web.Errors;
using Vibe.Web.Identity;

namespace Vibe.Web.Collab;

/// <summary>
/// <c>/yjs/{projectId}/{path}</c>: a raw WebSocket speaking the y-websocket protocol, so any stock Yjs
/// client (y-websocket's WebsocketProvider) can join a file. Authentication is the session token in
/// <c>?access_token=</c>; a viewer's updates are answered with permission-denied and dropped.
/// </summary>
public static class YjsWebSocketEndpoint
{
    public static void MapYjsWebSocket(this WebApplication app) =>
        app.Map("/yjs/{projectId}/{**path}", async (HttpContext http, string projectId, string? path, IGrainFactory grains,
            DocumentFanout fanout, LocalDocuments documents, ILoggerFactory loggers) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
            {
                await ProblemResults.WriteAsync(http, VibeErrorCodes.Validation, "This endpoint speaks the y-websocket protocol; open a WebSocket.");
                return;
            }
            if (http.User.Identity?.IsAuthenticated != true)
            {
                await http.ChallengeAsync();
                return;
            }
            string documentId;
            ProjectRole role;
            try
            {
                (documentId, role) = await DocumentAccess.OpenAsync(grains, projectId, path ?? "", http.User.Pubkey());
            }
            catch (VibeException e)
            {
                await ProblemResults.WriteAsync(http, e.Code, e.Message);
                return;
            }
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var connection = new YjsConnection(socket, documentId, role >= ProjectRole.Editor, grains, documents, loggers.CreateLogger<YjsConnection>());
            await fanout.AddAsync(documentId, connection);
            try
            {
                await connection.RunAsync(http.RequestAborted);
            }
            finally
            {
                await fanout.RemoveAsync(documentId, connection);
            }
        }).ExcludeFromDescription();
}

/// <summary>
/// One y-websocket client: a receive loop feeding the document grain and a single send loop. Updates and awareness go
/// to the document on the receiving thread when it is active in this process (<see cref="LocalDocuments"/>), else
/// through the grain.
/// </summary>
public sealed class YjsConnection(WebSocket socket, string documentId, bool canWrite, IGrainFactory grains, LocalDocuments documents,
    ILogger<YjsConnection> logger) : IFrameSink
{
    const int MaxFrameBytes = CollabHub.MaxFrameBytes;

    readonly SocketOutbox _outbox = new(socket, WebSocketMessageType.Binary, capacity: 4096);

    public string ConnectionId { get; } = "ws-" + Guid.NewGuid().ToString("N");

    /// <summary>Close status for a document that no longer exists (4000–4999 are the application's).</summary>
    public const WebSocketCloseStatus DocumentGone = (WebSocketCloseStatus)4404;

    public void Close(string reason) => _outbox.Complete(DocumentGone, reason);

    public void Send(byte[] frame)
    {
        if (!_outbox.TryPost(frame))
            logger.LogWarning("Connection {Connection} to {Document} is not reading; a frame was dropped", ConnectionId, documentId);
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        var document = grains.GetGrain<IDocumentGrain>(documentId);
        var sender = _outbox.RunAsync(aborted);
        try
        {
            foreach (var frame in await document.JoinAsync(ConnectionId))
                Send(frame);
            await ReceiveLoopAsync(document, aborted);
            await TakeAllAsync();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away; cleaning up below is all there is to do.
        }
        finally
        {
            _outbox.Complete();
            try
            {
                await document.LeaveAsync(ConnectionId);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Leaving {Document} failed", documentId);
            }
            await sender;
        }
    }

    async Task ReceiveLoopAsync(IDocumentGrain document, CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }
            message.Write(buffer, 0, result.Count);
            if (message.Length > MaxFrameBytes)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"frames are limited to {MaxFrameBytes} bytes", aborted);
                return;
            }
            if (!result.EndOfMessage)
                continue;
            var frame = message.ToArray();
            message.SetLength(0);
            if (result.MessageType != WebSocketMessageType.Binary || frame.Length == 0)
                continue;
            TakeAnswered();
            // A frame given to the document directly would overtake this connection's frames still on their way
            // through the grain (after the document moved or was reactivated): those are answered first.
            if (_throughGrain > 0 && documents.IsActiveHere(documentId))
                await TakeAllAsync();
            ValueTask<FrameResult> call = default;
            var direct = _throughGrain == 0 && documents.TryReceive(documentId, ConnectionId, frame, canWrite, out call);
            if (!direct)
                call = document.ReceiveFrameAsync(ConnectionId, frame, canWrite);
            if (canWrite && WebsocketMessages.IsChangeFrame(frame))
            {
                _unanswered.Enqueue((call, !direct));
                if (!direct)
                    _throughGrain++;
                if (_unanswered.Count > MaxUnanswered)
                    Answer(await Dequeue());
                continue;
            }
            // A frame that expects an answer (sync step 1, an awareness query), an awareness change and a viewer's
            // refused update are answered at once, after the updates sent before them.
            await TakeAllAsync();
            Answer(await call);
        }
    }

    /// <summary>
    /// A writer's update frames are not waited for one by one: an update's answer is empty unless it was refused, and
    /// waiting for it before reading the next frame cost every keystroke a thread-pool hand-off. Their answers are
    /// taken in order when the next frame arrives, before any frame that expects an answer, when the connection
    /// ends, or by waiting for the oldest once <see cref="MaxUnanswered"/> are outstanding (back-pressure). A call
    /// that failed (its silo died) closes the connection when its answer is taken, and the client's reconnect sync
    /// brings the update back; a quiet y-websocket client still sends its awareness every 15 s, so that is soon.
    /// </summary>
    readonly Queue<(ValueTask<FrameResult> Call, bool ThroughGrain)> _unanswered = new();
    const int MaxUnanswered = 64;
    /// <summary>How many of <see cref="_unanswered"/> went through the grain.</summary>
    int _throughGrain;

    ValueTask<FrameResult> Dequeue()
    {
        var (call, throughGrain) = _unanswered.Dequeue();
        if (throughGrain)
            _throughGrain--;
        return call;
    }

    void TakeAnswered()
    {
        while (_unanswered.TryPeek(out var next) && next.Call.IsCompleted)
            Answer(Dequeue().Result);
    }

    async Task TakeAllAsync()
    {
        while (_unanswered.Count > 0)
            Answer(await Dequeue());
    }

    void Answer(FrameResult outcome)
    {
        foreach (var reply in outcome.Replies)
            Send(reply);
        if (outcome.ErrorCode is not null and not VibeErrorCodes.DocumentReadOnly)
            logger.LogInformation("Refused a frame from {Connection} to {Document}: {Code} {Message}", ConnectionId, documentId, outcome.ErrorCode, outcome.ErrorMessage);
    }
}
