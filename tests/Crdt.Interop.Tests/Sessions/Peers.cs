using System.Text.Json.Nodes;
using Vibe.Crdt.Interop.Tests.Harness;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>An update a peer emitted: v1 always, v2 when the peer's engine produces it.</summary>
public sealed record EmittedUpdate(byte[] V1, byte[]? V2);

/// <summary>The end state of a peer that every other peer must match.</summary>
public sealed record PeerState(string Json, byte[] Update, byte[] StateVector);

/// <summary>One replica in a session: a yjs document in node or a Vibe.Crdt document in-process.</summary>
public interface IPeer
{
    string Name { get; }
    bool AcceptsV2 { get; }
    /// <summary>Applies an operation in one transaction; returns the updates of the local transactions it caused.</summary>
    IReadOnlyList<EmittedUpdate> Apply(JsonObject op);
    /// <summary>Applies a remote update; returns updates of local transactions it caused (yjs's formatting cleanup).</summary>
    IReadOnlyList<EmittedUpdate> Receive(byte[] update, bool v2);
    byte[] StateVector();
    byte[] EncodeStateAsUpdate(byte[]? stateVector);
    PeerState Final();
}

public sealed class YjsPeer : IPeer
{
    private readonly YjsHost _host;

    public YjsPeer(YjsHost host, string name, long clientId, bool gc)
    {
        _host = host;
        Name = name;
        host.Call(new JsonObject { ["cmd"] = "new", ["peer"] = name, ["clientId"] = clientId, ["gc"] = gc });
    }

    public string Name { get; }
    public bool AcceptsV2 => true;

    public IReadOnlyList<EmittedUpdate> Apply(JsonObject op) =>
        Emitted(_host.Call(new JsonObject { ["cmd"] = "op", ["peer"] = Name, ["op"] = op.DeepClone() }));

    public IReadOnlyList<EmittedUpdate> Receive(byte[] update, bool v2) =>
        Emitted(_host.Call(new JsonObject { ["cmd"] = "apply", ["peer"] = Name, ["update"] = Convert.ToBase64String(update), ["v2"] = v2 }));

    private static List<EmittedUpdate> Emitted(JsonNode? result) =>
        result!.AsArray().Select(u => new EmittedUpdate(Convert.FromBase64String(u!["v1"]!.GetValue<string>()), Convert.FromBase64String(u["v2"]!.GetValue<string>()))).ToList();

    public byte[] StateVector() => _host.CallBytes(new JsonObject { ["cmd"] = "sv", ["peer"] = Name });

    public byte[] EncodeStateAsUpdate(byte[]? stateVector)
    {
        var req = new JsonObject { ["cmd"] = "state", ["peer"] = Name };
        if (stateVector != null) req["sv"] = Convert.ToBase64String(stateVector);
        return _host.CallBytes(req);
    }

    public PeerState Final()
    {
        var r = _host.Call(new JsonObject { ["cmd"] = "final", ["peer"] = Name })!;
        return new PeerState(r["json"]!.GetValue<string>(), Convert.FromBase64String(r["v1"]!.GetValue<string>()), Convert.FromBase64String(r["sv"]!.GetValue<string>()));
    }

    public void Drop() => _host.Call(new JsonObject { ["cmd"] = "drop", ["peer"] = Name });
}

public sealed class VibePeer : IPeer
{
    private readonly Doc _doc;
    private readonly bool _v2;
    private readonly List<EmittedUpdate> _emitted = new();

    public VibePeer(string name, long clientId, bool gc, bool v2)
    {
        Name = name;
        _v2 = v2;
        _doc = new Doc(new DocOptions { ClientId = clientId, Gc = gc });
        _doc.GetText("text");
        _doc.GetMap("map");
        _doc.GetArray("array");
        _doc.GetXmlFragment("xml");
        _doc.Update += (u, _, tx) =>
        {
            if (tx.Local) _emitted.Add(new EmittedUpdate(u, null));
        };
    }

    public string Name { get; }
    public bool AcceptsV2 => _v2;
    public Doc Doc => _doc;

    public IReadOnlyList<EmittedUpdate> Apply(JsonObject op) => Capture(() => _doc.Transact(_ => VibeOps.Apply(_doc, op)));

    public IReadOnlyList<EmittedUpdate> Receive(byte[] update, bool v2) => Capture(() =>
    {
        if (v2) Y.ApplyUpdateV2(_doc, update);
        else Y.ApplyUpdate(_doc, update);
    });

    private List<EmittedUpdate> Capture(Action action)
    {
        _emitted.Clear();
        action();
        var result = _emitted.ToList();
        _emitted.Clear();
        return result;
    }

    public byte[] StateVector() => Y.EncodeStateVector(_doc);

    public byte[] EncodeStateAsUpdate(byte[]? stateVector) => Y.EncodeStateAsUpdate(_doc, stateVector);

    public PeerState Final() => new(JsonText.Stringify(_doc.ToJson()), Y.EncodeStateAsUpdate(_doc), Y.EncodeStateVector(_doc));
}
