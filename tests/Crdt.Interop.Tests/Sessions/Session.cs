using System.Text;
using System.Text.Json.Nodes;
using Vibe.Crdt.Interop.Tests.Harness;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>
/// A randomised concurrent editing session between yjs peers (in node) and Vibe.Crdt peers (in-process).
/// Updates are queued per receiver and delivered late, twice, out of order, merged, as v2, or as
/// state-vector diffs; at the end everything is delivered and every peer must hold the same state.
/// </summary>
public sealed class Session
{
    private sealed record Message(string From, byte[] V1, byte[]? V2);

    private readonly YjsHost _host;
    private readonly Random _rng;
    private readonly int _seed;
    private readonly SessionFeatures _features;
    private readonly bool _vibeV2;
    private readonly List<IPeer> _peers = new();
    private readonly Dictionary<IPeer, List<Message>> _queues = new();
    private readonly List<string> _log = new();

    private readonly bool _shadow;

    /// <param name="shadow">Give every Vibe.Crdt peer a yjs twin and stop at the first step where they differ (diagnosis).</param>
    public Session(YjsHost host, int seed, SessionFeatures features, bool vibeAcceptsV2, bool shadow = false)
    {
        _shadow = shadow;
        _host = host;
        _seed = seed;
        _rng = new Random(seed);
        _features = features;
        _vibeV2 = vibeAcceptsV2;
    }

    /// <summary>Runs the session; returns null when all peers converged, else a description of the divergence.</summary>
    public string? Run()
    {
        try
        {
            return RunCore();
        }
        catch (DivergenceException e)
        {
            return $"seed {_seed}: divergence from yjs: {e.Message}";
        }
        catch (Exception e)
        {
            return Describe($"exception: {e}");
        }
        finally
        {
            foreach (var p in _peers)
            {
                if (p is YjsPeer y) y.Drop();
                if (p is ShadowedVibePeer s) s.Drop();
            }
        }
    }

    private string? RunCore()
    {
        var count = 2 + _rng.Next(4);
        var gc = _rng.Next(3) != 0;
        var yjsCount = 1 + _rng.Next(count - 1);
        var usedIds = new HashSet<long>();
        for (var i = 0; i < count; i++)
        {
            long id;
            do id = _rng.Next(4) == 0 ? _rng.NextInt64(1L << 32, 1L << 53) : _rng.Next(1, int.MaxValue);
            while (!usedIds.Add(id));
            var name = $"s{_seed}p{i}";
            IPeer peer = i < yjsCount ? new YjsPeer(_host, name, id, gc)
                : _shadow ? new ShadowedVibePeer(_host, name, id, gc, _vibeV2)
                : new VibePeer(name, id, gc, _vibeV2);
            _peers.Add(peer);
            _queues[peer] = new List<Message>();
            _log.Add($"peer {name} {(peer is YjsPeer ? "yjs" : "vibe")} client {id} gc {gc}");
        }
        var gen = new OpGenerator(_rng, _features);
        var steps = 20 + _rng.Next(41);
        for (var s = 0; s < steps; s++)
        {
            if (_rng.Next(10) < 7) Edit(_peers[_rng.Next(_peers.Count)], gen.Next());
            else DeliverSome(_peers[_rng.Next(_peers.Count)]);
        }
        // Deliver everything; a delivery can emit new local updates (formatting cleanup), so repeat until quiet.
        while (_queues.Values.Any(q => q.Count > 0))
        foreach (var receiver in _peers.OrderBy(_ => _rng.Next()).ToList())
        {
            var queue = _queues[receiver];
            while (queue.Count > 0)
            {
                var i = _rng.Next(queue.Count);
                var m = queue[i];
                queue.RemoveAt(i);
                Deliver(receiver, m.From, m.V1, m.V2);
            }
        }
        return Compare();
    }

    private void Edit(IPeer peer, JsonObject op)
    {
        _log.Add($"{peer.Name} op {op.ToJsonString()}");
        Broadcast(peer, peer.Apply(op));
    }

    private void Broadcast(IPeer from, IReadOnlyList<EmittedUpdate> updates)
    {
        foreach (var u in updates)
        {
            foreach (var other in _peers) if (other != from) _queues[other].Add(new Message(from.Name, u.V1, u.V2));
        }
    }

    private bool UseV2(IPeer receiver) => receiver.AcceptsV2 && _rng.Next(4) == 0;

    private void Deliver(IPeer receiver, string from, byte[] v1, byte[]? v2)
    {
        if (UseV2(receiver))
        {
            var bytes = v2 ?? _host.ToV2(v1);
            _log.Add($"{receiver.Name} <- {from} v2 {Convert.ToBase64String(bytes)}");
            Broadcast(receiver, receiver.Receive(bytes, true));
        }
        else
        {
            _log.Add($"{receiver.Name} <- {from} v1 {Convert.ToBase64String(v1)}");
            Broadcast(receiver, receiver.Receive(v1, false));
        }
    }

    private void DeliverSome(IPeer receiver)
    {
        var queue = _queues[receiver];
        switch (_rng.Next(10))
        {
            case < 6 when queue.Count > 0:
            {
                // One update, in random order; sometimes left queued so it arrives twice.
                var i = _rng.Next(queue.Count);
                var m = queue[i];
                if (_rng.Next(5) != 0) queue.RemoveAt(i);
                Deliver(receiver, m.From, m.V1, m.V2);
                break;
            }
            case < 8 when queue.Count > 1 && _features.Merged:
            {
                // Several queued updates merged by yjs's mergeUpdates into one.
                var take = Math.Min(queue.Count, 2 + _rng.Next(3));
                var picked = new List<Message>();
                for (var k = 0; k < take; k++)
                {
                    var i = _rng.Next(queue.Count);
                    picked.Add(queue[i]);
                    queue.RemoveAt(i);
                }
                var parts = picked.Select(m => m.V1).ToList();
                var merged = _host.Merge(parts);
                // Vibe.Crdt's MergeUpdates must produce yjs's bytes exactly.
                var own = Y.MergeUpdates(parts);
                if (!own.AsSpan().SequenceEqual(merged))
                {
                    throw new DivergenceException($"MergeUpdates differs from yjs for [{string.Join(", ", parts.Select(Convert.ToBase64String))}]:\n  yjs  {Convert.ToBase64String(merged)}\n  vibe {Convert.ToBase64String(own)}");
                }
                Deliver(receiver, "merge(" + string.Join(",", picked.Select(m => m.From)) + ")", merged, null);
                break;
            }
            case < 10:
            {
                // A sync step: the sender's state as a diff against the receiver's state vector.
                var sender = _peers[_rng.Next(_peers.Count)];
                if (sender == receiver) break;
                var diff = sender.EncodeStateAsUpdate(receiver.StateVector());
                Deliver(receiver, "sync:" + sender.Name, diff, null);
                break;
            }
        }
    }

    private string? Compare()
    {
        var states = _peers.Select(p => (Peer: p, State: p.Final())).ToList();
        var reference = states.First(s => s.Peer is YjsPeer);
        var refJson = CanonicalJson.Of(reference.State.Json);
        foreach (var (peer, state) in states)
        {
            if (peer == reference.Peer) continue;
            var json = CanonicalJson.Of(state.Json);
            if (json != refJson) return Describe($"toJSON differs: {reference.Peer.Name}={reference.State.Json}\n{peer.Name}={state.Json}");
            if (!state.StateVector.AsSpan().SequenceEqual(reference.State.StateVector))
                return Describe($"state vector differs: {reference.Peer.Name}={Hex(reference.State.StateVector)} {peer.Name}={Hex(state.StateVector)}");
            if (!state.Update.AsSpan().SequenceEqual(reference.State.Update))
                return Describe($"encodeStateAsUpdate differs ({(peer is YjsPeer ? "yjs" : "vibe")} {peer.Name} vs yjs {reference.Peer.Name}):\n{reference.Peer.Name}={Convert.ToBase64String(reference.State.Update)}\n{peer.Name}={Convert.ToBase64String(state.Update)}");
        }
        return null;
    }

    private string Describe(string problem)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"seed {_seed}: {problem}");
        foreach (var l in _log) sb.AppendLine("  " + l);
        return sb.ToString();
    }

    private static string Hex(byte[] b) => Convert.ToHexString(b);
}
