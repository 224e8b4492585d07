using System.Text;
using System.Text.Json.Nodes;
using Vibe.Crdt.Interop.Tests.Harness;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>One input a peer saw: a local operation or a received update.</summary>
public sealed record PeerStep(JsonObject? Op, byte[]? Update, bool V2)
{
    public override string ToString() => Op != null ? "op " + Op.ToJsonString() : $"receive {(V2 ? "v2" : "v1")} {Convert.ToBase64String(Update!)}";
}

/// <summary>Shrinks the inputs of a Vibe.Crdt peer that diverged from yjs to a short sequence that still diverges.</summary>
public static class Minimizer
{
    public static string Minimize(YjsHost host, long clientId, bool gc, IReadOnlyList<PeerStep> steps)
    {
        var current = steps.ToList();
        if (Diverges(host, clientId, gc, current) == null) return "(the recorded steps do not diverge on replay)";
        for (var chunk = current.Count / 2; chunk >= 1; chunk /= 2)
        {
            for (var start = 0; start < current.Count;)
            {
                var candidate = current.Take(start).Concat(current.Skip(start + chunk)).ToList();
                if (candidate.Count > 0 && Diverges(host, clientId, gc, candidate) != null) current = candidate;
                else start += chunk;
            }
        }
        var sb = new StringBuilder();
        sb.AppendLine($"minimal replay (client {clientId}, gc {gc}, {current.Count} of {steps.Count} steps):");
        foreach (var s in current) sb.AppendLine("    " + s);
        sb.AppendLine(Diverges(host, clientId, gc, current));
        return sb.ToString();
    }

    private static int _runs;

    /// <summary>Replays the steps on a fresh Vibe.Crdt doc and a fresh yjs doc; returns the difference or null.</summary>
    public static string? Diverges(YjsHost host, long clientId, bool gc, IReadOnlyList<PeerStep> steps)
    {
        var yjs = new YjsPeer(host, "min" + Interlocked.Increment(ref _runs), clientId, gc);
        var vibe = new VibePeer("min", clientId, gc, true);
        try
        {
            foreach (var s in steps)
            {
                try
                {
                    if (s.Op != null) yjs.Apply(s.Op);
                    else yjs.Receive(s.Update!, s.V2);
                }
                catch (YjsException)
                {
                    return null;
                }
                try
                {
                    if (s.Op != null) vibe.Apply(s.Op);
                    else vibe.Receive(s.Update!, s.V2);
                }
                catch (Exception e)
                {
                    return "Vibe.Crdt threw " + e.GetType().Name + ": " + e.Message;
                }
            }
            var want = yjs.Final();
            var got = vibe.Final();
            if (want.Json == got.Json && want.Update.AsSpan().SequenceEqual(got.Update)) return null;
            return $"    yjs  json {want.Json}\n    vibe json {got.Json}\n    yjs  state {Convert.ToBase64String(want.Update)}\n    vibe state {Convert.ToBase64String(got.Update)}";
        }
        finally
        {
            yjs.Drop();
        }
    }
}
