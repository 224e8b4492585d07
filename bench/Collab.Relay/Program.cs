using System.Net.WebSockets;
using Vibe.Collab.Relay;
using Vibe.Crdt;
using Vibe.Crdt.Protocols;
using Vibe.Web.Collab;
using Vibe.Web.Hosting;

// The control of bench/Collab.Bench: what @y/websocket-server does (one in-memory Yjs document per room, every
// update and awareness change relayed to the room's connections, sender included) on Vibe's own stack: Kestrel
// with Vibe.Web's socket settings, Vibe.Crdt, Vibe.Web's SocketOutbox. No Orleans, no update log, no access
// control. Against the reference it prices .NET and Kestrel; against Vibe, Vibe's grain and durable-log path.
// Usage: dotnet Vibe.Collab.Relay.dll --urls http://127.0.0.1:PORT   (rooms at ws://…/{room}; GET /health)
InlineIo.PreferForThisProcess();
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = InlineIo.IsOn);
builder.Logging.ClearProviders();
var app = builder.Build();
app.UseWebSockets();
var rooms = new Rooms();
app.MapGet("/health", () => "ok");
app.Map("/{**room}", async (HttpContext http, string room) =>
{
    if (!http.WebSockets.IsWebSocketRequest)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }
    using var socket = await http.WebSockets.AcceptWebSocketAsync();
    await rooms.Get(room).ServeAsync(socket, http.RequestAborted);
});
app.Run();

namespace Vibe.Collab.Relay
{
    sealed class Rooms
    {
        readonly Dictionary<string, Room> _rooms = [];

        public Room Get(string name)
        {
            lock (_rooms)
            {
                if (!_rooms.TryGetValue(name, out var room))
                    _rooms[name] = room = new Room();
                return room;
            }
        }
    }

    /// <summary>One document and its connections; frames are handled one at a time under the room's lock (the
    /// reference's single thread), and the document's and awareness's events broadcast while it is held.</summary>
    sealed class Room
    {
        readonly Doc _doc = new();
        readonly Awareness _awareness;
        readonly WebsocketMessages _messages;
        readonly Dictionary<SocketOutbox, HashSet<long>> _connections = [];
        readonly Lock _gate = new();

        public Room()
        {
            _awareness = new Awareness(_doc);
            _messages = new WebsocketMessages(_doc, _awareness);
            _doc.Update += (update, _, _) => Broadcast(WebsocketMessages.UpdateFrame(update));
            _awareness.Update += (change, origin) =>
            {
                if (origin is SocketOutbox from && _connections.TryGetValue(from, out var clients))
                {
                    clients.UnionWith(change.Added);
                    clients.UnionWith(change.Updated);
                    clients.ExceptWith(change.Removed);
                }
                Broadcast(WebsocketMessages.AwarenessFrame(_awareness.EncodeUpdate([.. change.Added, .. change.Updated, .. change.Removed])));
            };
        }

        void Broadcast(byte[] frame)
        {
            foreach (var connection in _connections.Keys)
                connection.TryPost(frame);
        }

        public async Task ServeAsync(WebSocket socket, CancellationToken aborted)
        {
            var outbox = new SocketOutbox(socket, WebSocketMessageType.Binary, capacity: 4096);
            var sending = outbox.RunAsync(aborted);
            lock (_gate)
            {
                _connections[outbox] = [];
                outbox.TryPost(_messages.SyncStep1Frame());
                if (_awareness.States.Count > 0)
                    outbox.TryPost(WebsocketMessages.AwarenessFrame(_awareness.EncodeUpdate()));
            }
            try
            {
                var buffer = new byte[64 * 1024];
                using var message = new MemoryStream();
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                    if (result.MessageType == WebSocketMessageType.Close)
                        break;
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                        continue;
                    var frame = message.ToArray();
                    message.SetLength(0);
                    lock (_gate)
                    {
                        try
                        {
                            if (_messages.Handle(frame, outbox) is { } reply)
                                outbox.TryPost(reply);
                        }
                        catch (CrdtFormatException)
                        {
                            // The reference drops what it cannot read; so does the control.
                        }
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
            finally
            {
                lock (_gate)
                {
                    if (_connections.Remove(outbox, out var clients) && clients.Count > 0)
                        _awareness.RemoveStates(clients, null);
                }
                outbox.Complete();
            }
            await sending;
        }
    }
}
