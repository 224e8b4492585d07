using System.Text.Json.Nodes;
using Vibe.Crdt.Interop.Tests.Harness;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>An update a peer emitted: v1 always, v2 when the peer's engine produces it.</summary>
public sealed record EmittedUpdate(byte[] V1, byte[]? V2);

/// <summary>The end state of a peer that every other peer must match; Core leaves out pending structs and deletes.</summary>
public sealed record PeerState(string Json, byte[] Update, byte[] StateVector, byte[] Core, bool Pending);

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
        return new PeerState(r["json"]!.GetValue<string>(), Convert.FromBase64String(r["v1"]!.GetValue<string>()), Convert.FromBase64String(r["sv"]!.GetValue<string>()),
            Convert.FromBase64String(r["core"]!.GetValue<string>()), r["pending"]!.GetValue<bool>());
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
            // With v2 support the engine's own converter provides the v2 form, so yjs peers receive Vibe.Crdt-encoded v2.
            if (tx.Local) _emitted.Add(new EmittedUpdate(u, _v2 ? Y.ConvertUpdateFormatV1ToV2(u) : null));
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

    public PeerState Final()
    {
        var update = Y.EncodeStateAsUpdate(_doc);
        return new PeerState(JsonText.Stringify(_doc.ToJson()), update, Y.EncodeStateVector(_doc), update, false);
    }
}

/// <summary>
/// A Vibe.Crdt peer with a yjs twin fed exactly the same operations and updates; after every step both must
/// hold the same state, so the first diverging step of a failing seed is pinpointed.
/// </summary>
public sealed class ShadowedVibePeer : IPeer
{
    private readonly VibePeer _vibe;
    private readonly YjsPeer _twin;
    private readonly YjsHost _host;
    private readonly long _clientId;
    private readonly bool _gc;
    private readonly List<PeerStep> _steps = new();
    private int _step;

    public ShadowedVibePeer(YjsHost host, string name, long clientId, bool gc, bool v2)
    {
        _host = host;
        _clientId = clientId;
        _gc = gc;
        _vibe = new VibePeer(name, clientId, gc, v2);
        _twin = new YjsPeer(host, name + "-twin", clientId, gc);
    }

    public string Name => _vibe.Name;
    public bool AcceptsV2 => _vibe.AcceptsV2;

    public IReadOnlyList<EmittedUpdate> Apply(JsonObject op) => Step(new PeerStep(op, null, false), "op " + op.ToJsonString(), () => _twin.Apply(op), () => _vibe.Apply(op));

    public IReadOnlyList<EmittedUpdate> Receive(byte[] update, bool v2) =>
        Step(new PeerStep(null, update, v2), $"receive {(v2 ? "v2" : "v1")} {Convert.ToBase64String(update)}", () => _twin.Receive(update, v2), () => _vibe.Receive(update, v2));

    private IReadOnlyList<EmittedUpdate> Step(PeerStep record, string what, Func<IReadOnlyList<EmittedUpdate>> twin, Func<IReadOnlyList<EmittedUpdate>> vibe)
    {
        _step++;
        _steps.Add(record);
        var before = _twin.Final();
        var expected = twin();
        IReadOnlyList<EmittedUpdate> actual;
        try
        {
            actual = vibe();
        }
        catch (Exception e)
        {
            throw new DivergenceException($"{Name} step {_step}: {what}\n  state before (yjs v1): {Convert.ToBase64String(before.Update)}\n  Vibe.Crdt threw: {e}\n" + Minimizer.Minimize(_host, _clientId, _gc, _steps));
        }
        var want = _twin.Final();
        var got = _vibe.Final();
        // Vibe.Crdt's v2 comes from its converter; yjs's converter (not its native updateV2, which also sets the
        // parentSub info bit on items that have an origin) is the reference for those bytes.
        var emittedSame = expected.Count == actual.Count && expected.Zip(actual).All(p =>
            p.First.V1.AsSpan().SequenceEqual(p.Second.V1) && (p.Second.V2 == null || _host.ToV2(p.First.V1).AsSpan().SequenceEqual(p.Second.V2)));
        // Vibe.Crdt's encodeStateAsUpdate leaves out pending structs (yjs merges them in), so the twin's core state is compared.
        if (want.Json != got.Json || !want.Update.AsSpan().SequenceEqual(got.Update) || !emittedSame)
        {
            throw new DivergenceException(
                $"{Name} step {_step}: {what}\n  state before (yjs v1): {Convert.ToBase64String(before.Update)}\n" +
                $"  yjs  json {want.Json}\n  vibe json {got.Json}\n  yjs  state {Convert.ToBase64String(want.Update)} (pending: {want.Pending})\n  vibe state {Convert.ToBase64String(got.Update)}\n" +
                $"  yjs  emitted [{string.Join(", ", expected.Select(u => Convert.ToBase64String(u.V1) + " / v2 " + Convert.ToBase64String(u.V2 ?? [])))}]\n" +
                $"  vibe emitted [{string.Join(", ", actual.Select(u => Convert.ToBase64String(u.V1) + " / v2 " + Convert.ToBase64String(u.V2 ?? [])))}]\n" +
                Minimizer.Minimize(_host, _clientId, _gc, _steps));
        }
        return actual;
    }

    public byte[] StateVector() => _vibe.StateVector();
    public byte[] EncodeStateAsUpdate(byte[]? stateVector) => _vibe.EncodeStateAsUpdate(stateVector);
    public PeerState Final() => _vibe.Final();
    public void Drop() => _twin.Drop();
}

/// <summary>A Vibe.Crdt peer stopped matching its yjs twin.</summary>
public sealed class DivergenceException(string message) : Exception(message);
