using Vibe.Crdt.Encoding;

namespace Vibe.Crdt.Protocols;

/// <summary>Clients whose awareness state was added, updated or removed.</summary>
public sealed record AwarenessChange(IReadOnlyList<long> Added, IReadOnlyList<long> Updated, IReadOnlyList<long> Removed);

/// <summary>
/// y-protocols awareness: ephemeral per-client JSON states with clocks. Transport-free; the host calls
/// <see cref="CheckOutdated"/> periodically (yjs does every 3 s) to renew the local state and drop clients silent for 30 s.
/// </summary>
public sealed class Awareness
{
    public static readonly TimeSpan OutdatedTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;

    public Awareness(Doc doc, TimeProvider? time = null)
    {
        Doc = doc;
        _time = time ?? TimeProvider.System;
        ClientId = doc.ClientId;
        SetLocalState(new JsObject());
    }

    public Doc Doc { get; }
    public long ClientId { get; }
    /// <summary>Current states by client (values in the engine's JSON model).</summary>
    public Dictionary<long, object?> States { get; } = new();
    public Dictionary<long, (long Clock, DateTimeOffset LastUpdated)> Meta { get; } = new();

    /// <summary>Raised when states really changed (added, deep-changed, removed).</summary>
    public event Action<AwarenessChange, object?>? Change;
    /// <summary>Raised whenever states were touched, including clock renewals; broadcast these.</summary>
    public event Action<AwarenessChange, object?>? Update;

    public object? GetLocalState() => States.TryGetValue(ClientId, out var s) ? s : null;

    public void SetLocalState(object? state)
    {
        var clock = Meta.TryGetValue(ClientId, out var meta) ? meta.Clock + 1 : 0;
        var prev = States.TryGetValue(ClientId, out var p) ? p : null;
        state = Values.Normalize(state);
        if (state == null) States.Remove(ClientId);
        else States[ClientId] = state;
        Meta[ClientId] = (clock, _time.GetUtcNow());
        var added = new List<long>();
        var updated = new List<long>();
        var filtered = new List<long>();
        var removed = new List<long>();
        if (state == null) removed.Add(ClientId);
        else if (prev == null) added.Add(ClientId);
        else
        {
            updated.Add(ClientId);
            if (!JsValue.DeepEquals(prev, state)) filtered.Add(ClientId);
        }
        if (added.Count > 0 || filtered.Count > 0 || removed.Count > 0) Change?.Invoke(new AwarenessChange(added, filtered, removed), "local");
        Update?.Invoke(new AwarenessChange(added, updated, removed), "local");
    }

    public void SetLocalStateField(string field, object? value)
    {
        if (GetLocalState() is JsObject state)
        {
            var copy = new JsObject();
            foreach (var (k, v) in state) copy[k] = v;
            copy[field] = Values.Normalize(value);
            SetLocalState(copy);
        }
    }

    /// <summary>Encodes the given clients' states (clientId, clock, JSON) as an awareness update.</summary>
    public byte[] EncodeUpdate(IEnumerable<long> clients)
    {
        var list = clients.ToList();
        var w = new Lib0Writer();
        w.WriteVarUint((ulong)list.Count);
        foreach (var client in list)
        {
            var state = States.TryGetValue(client, out var s) ? s : null;
            var clock = Meta.TryGetValue(client, out var m) ? m.Clock : 0;
            w.WriteVarUint(client);
            w.WriteVarUint(clock);
            w.WriteVarString(JsonText.Stringify(state));
        }
        return w.ToArray();
    }

    public byte[] EncodeUpdate() => EncodeUpdate(States.Keys);

    /// <summary>Applies a remote awareness update; malformed input throws <see cref="CrdtFormatException"/> before any change.</summary>
    public void ApplyUpdate(byte[] update, object? origin)
    {
        var entries = new List<(long Client, long Clock, object? State)>();
        var r = new Lib0Reader(update);
        var len = r.ReadBoundedCount(3);
        for (var i = 0; i < len; i++)
        {
            var client = r.ReadVarUint();
            var clock = r.ReadVarUint();
            var state = JsonText.Parse(r.ReadVarString());
            entries.Add((client, clock, state));
        }
        var now = _time.GetUtcNow();
        var added = new List<long>();
        var updated = new List<long>();
        var filtered = new List<long>();
        var removed = new List<long>();
        foreach (var (client, clockIn, state) in entries)
        {
            var clock = clockIn;
            var hasMeta = Meta.TryGetValue(client, out var meta);
            var prev = States.TryGetValue(client, out var p) ? p : null;
            var currClock = hasMeta ? meta.Clock : 0;
            if (currClock < clock || (currClock == clock && state == null && States.ContainsKey(client)))
            {
                if (state == null)
                {
                    // A remote peer may not remove our own state; bump the clock so peers learn we are alive.
                    if (client == ClientId && GetLocalState() != null) clock++;
                    else States.Remove(client);
                }
                else States[client] = state;
                Meta[client] = (clock, now);
                if (!hasMeta && state != null) added.Add(client);
                else if (hasMeta && state == null) removed.Add(client);
                else if (state != null)
                {
                    if (!JsValue.DeepEquals(state, prev)) filtered.Add(client);
                    updated.Add(client);
                }
            }
        }
        if (added.Count > 0 || filtered.Count > 0 || removed.Count > 0) Change?.Invoke(new AwarenessChange(added, filtered, removed), origin);
        if (added.Count > 0 || updated.Count > 0 || removed.Count > 0) Update?.Invoke(new AwarenessChange(added, updated, removed), origin);
    }

    /// <summary>Removes the states of the given clients (e.g. when their connection closes).</summary>
    public void RemoveStates(IEnumerable<long> clients, object? origin)
    {
        var removed = new List<long>();
        foreach (var client in clients)
        {
            if (!States.Remove(client)) continue;
            if (client == ClientId && Meta.TryGetValue(client, out var meta)) Meta[client] = (meta.Clock + 1, _time.GetUtcNow());
            removed.Add(client);
        }
        if (removed.Count > 0)
        {
            var change = new AwarenessChange(Array.Empty<long>(), Array.Empty<long>(), removed);
            Change?.Invoke(change, origin);
            Update?.Invoke(change, origin);
        }
    }

    /// <summary>Renews the local state after half the timeout and drops remote clients silent for the whole timeout.</summary>
    public void CheckOutdated()
    {
        var now = _time.GetUtcNow();
        if (GetLocalState() != null && Meta.TryGetValue(ClientId, out var own) && now - own.LastUpdated >= OutdatedTimeout / 2)
        {
            SetLocalState(GetLocalState());
        }
        var removed = new List<long>();
        foreach (var (client, meta) in Meta.ToList())
        {
            if (client != ClientId && now - meta.LastUpdated >= OutdatedTimeout && States.ContainsKey(client))
            {
                removed.Add(client);
                States.Remove(client);
            }
        }
        if (removed.Count > 0)
        {
            var change = new AwarenessChange(Array.Empty<long>(), Array.Empty<long>(), removed);
            Change?.Invoke(change, "timeout");
            Update?.Invoke(change, "timeout");
        }
    }
}
