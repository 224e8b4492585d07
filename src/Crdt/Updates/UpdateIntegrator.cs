using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Updates;

/// <summary>Integrates decoded structs into a document in causal order, parking what cannot be applied yet (yjs integrateStructs).</summary>
internal static class UpdateIntegrator
{
    private sealed class ClientRefs
    {
        public List<AbstractStruct> Refs;
        public int I;

        public ClientRefs(List<AbstractStruct> refs) => Refs = refs;
    }

    /// <summary>
    /// Refuses an update with an item whose right origin is not to the right of its origin in the same list of this document, before
    /// anything is applied. Both are characters every replica orders the same way, so a valid update always passes;
    /// a corrupt one (a flipped bit in a clock, say) would be linked between the wrong neighbours, and the document's
    /// text would no longer be what its own encoding decodes to. Items whose neighbours have not arrived yet are
    /// checked by nobody, as in yjs.
    /// </summary>
    public static void RequireOrderedOrigins(StructStore store, ParsedUpdate update)
    {
        foreach (var structs in update.Structs.Values)
        {
            foreach (var s in structs)
            {
                if (s is not Item { Origin: { } origin, RightOrigin: { } rightOrigin }) continue;
                if (origin.Clock >= store.GetState(origin.Client) || rightOrigin.Clock >= store.GetState(rightOrigin.Client)) continue;
                if (store.Find(origin) is not Item left || store.Find(rightOrigin) is not Item right) continue;
                if (!IsLeftOf(left, origin.Clock, right, rightOrigin.Clock))
                    throw new CrdtFormatException($"Item {s.Id.Client}:{s.Id.Clock} has its right origin {rightOrigin.Client}:{rightOrigin.Clock} before its origin {origin.Client}:{origin.Clock}");
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="right"/> comes after <paramref name="left"/> in their list. Walks right from both at once,
    /// so it costs the distance between them, not the length of the list: from left one meets right, or from right
    /// one meets left (or the end).
    /// </summary>
    private static bool IsLeftOf(Item left, long leftClock, Item right, long rightClock)
    {
        if (ReferenceEquals(left, right)) return leftClock < rightClock;
        // Neighbours in different lists (or maps) are not an order at all.
        if (!ReferenceEquals(left.Parent, right.Parent) || left.ParentSub != right.ParentSub) return false;
        Item? fromLeft = left.Right, fromRight = right.Right;
        while (true)
        {
            if (fromLeft is null || ReferenceEquals(fromRight, left)) return false;
            if (ReferenceEquals(fromLeft, right) || fromRight is null) return true;
            fromLeft = fromLeft.Right;
            fromRight = fromRight.Right;
        }
    }

    /// <summary>
    /// Throws <see cref="CrdtMissingContentException"/> when any struct or deletion of the update would wait for content
    /// that neither the store nor the update itself holds: a gap in a client's clocks (or a Skip), or an origin, right
    /// origin or parent beyond what the two hold together.
    /// </summary>
    public static void RequireComplete(StructStore store, ParsedUpdate update)
    {
        foreach (var (client, structs) in update.Structs)
        {
            var state = store.GetState(client);
            foreach (var s in structs)
            {
                if (s.Id.Clock > state || s is SkipStruct) throw new CrdtMissingContentException(client, state);
                state = Math.Max(state, s.Id.Clock + s.Length);
            }
        }
        // What a client will hold once the update is in: its structs are sorted and, as checked above, leave no gap.
        long Reach(long client)
        {
            var state = store.GetState(client);
            return update.Structs.TryGetValue(client, out var structs) && structs.Count > 0
                ? Math.Max(state, structs[^1].Id.Clock + structs[^1].Length)
                : state;
        }
        void Require(Id id)
        {
            if (id.Clock >= Reach(id.Client)) throw new CrdtMissingContentException(id.Client, id.Clock);
        }
        foreach (var structs in update.Structs.Values)
        {
            foreach (var s in structs)
            {
                if (s is not Item item) continue;
                if (item.Origin is { } origin) Require(origin);
                if (item.RightOrigin is { } rightOrigin) Require(rightOrigin);
                if (item.ParentRef is Id parent) Require(parent);
            }
        }
        foreach (var (client, ranges) in update.DeleteSet.Clients)
        {
            foreach (var range in ranges)
            {
                if (range.Clock + range.Length > Reach(client)) throw new CrdtMissingContentException(client, range.Clock + range.Length - 1);
            }
        }
    }

    public static void Apply(Transaction tx, ParsedUpdate update)
    {
        var store = tx.Doc.Store;
        var retry = false;
        var rest = IntegrateStructs(tx, store, update.Structs);
        var pending = store.PendingStructs;
        if (pending != null)
        {
            foreach (var (client, clock) in pending.Missing)
            {
                if (clock < store.GetState(client))
                {
                    retry = true;
                    break;
                }
            }
            if (rest != null) pending.MergeFrom(rest);
        }
        else store.PendingStructs = rest;

        var dsRest = ApplyDeleteSet(tx, store, update.DeleteSet);
        if (store.PendingDeletes != null)
        {
            var dsRest2 = ApplyDeleteSet(tx, store, store.PendingDeletes);
            if (dsRest != null && dsRest2 != null)
            {
                foreach (var (client, ranges) in dsRest2.Clients)
                {
                    foreach (var r in ranges) dsRest.Add(client, r.Clock, r.Length);
                }
                dsRest.SortAndMerge();
                store.PendingDeletes = dsRest;
            }
            else store.PendingDeletes = dsRest ?? dsRest2;
        }
        else store.PendingDeletes = dsRest;

        if (retry)
        {
            var p = store.PendingStructs!;
            store.PendingStructs = null;
            var again = new ParsedUpdate();
            foreach (var (client, list) in p.Structs) again.Structs[client] = list;
            Apply(tx, again);
        }
    }

    private static PendingStructs? IntegrateStructs(Transaction tx, StructStore store, Dictionary<long, List<AbstractStruct>> clientsStructRefs)
    {
        if (clientsStructRefs.Count == 0) return null;
        var refsByClient = new Dictionary<long, ClientRefs>(clientsStructRefs.Count);
        foreach (var (client, list) in clientsStructRefs) refsByClient[client] = new ClientRefs(list);
        var ids = refsByClient.Keys.ToList();
        ids.Sort();

        ClientRefs? NextTarget()
        {
            if (ids.Count == 0) return null;
            var next = refsByClient[ids[^1]];
            while (next.Refs.Count == next.I)
            {
                ids.RemoveAt(ids.Count - 1);
                if (ids.Count > 0) next = refsByClient[ids[^1]];
                else return null;
            }
            return next;
        }

        var current = NextTarget();
        if (current == null) return null;

        // Made only when something cannot be integrated yet; the store's state is the local clock (no map of its own).
        PendingStructs? restStructs = null;
        var stack = new List<AbstractStruct>();

        void UpdateMissing(long client, long clock)
        {
            restStructs ??= new PendingStructs();
            if (!restStructs.Missing.TryGetValue(client, out var m) || m > clock) restStructs.Missing[client] = clock;
        }

        void AddStackToRest()
        {
            restStructs ??= new PendingStructs();
            foreach (var item in stack)
            {
                var client = item.Id.Client;
                if (refsByClient.TryGetValue(client, out var inapplicable))
                {
                    inapplicable.I--;
                    restStructs.Structs[client] = inapplicable.Refs.GetRange(inapplicable.I, inapplicable.Refs.Count - inapplicable.I);
                    refsByClient.Remove(client);
                    inapplicable.I = 0;
                    inapplicable.Refs = new List<AbstractStruct>();
                }
                else restStructs.Structs[client] = new List<AbstractStruct> { item };
                ids.RemoveAll(c => c == client);
            }
            stack.Clear();
        }

        var head = current.Refs[current.I++];
        while (true)
        {
            if (head is not SkipStruct)
            {
                var offset = store.GetState(head.Id.Client) - head.Id.Clock;
                if (offset < 0)
                {
                    stack.Add(head);
                    UpdateMissing(head.Id.Client, head.Id.Clock - 1);
                    AddStackToRest();
                }
                else
                {
                    var missing = head.GetMissing(tx, store);
                    if (missing is { } missingClient)
                    {
                        stack.Add(head);
                        if (!refsByClient.TryGetValue(missingClient, out var structRefs) || structRefs.Refs.Count == structRefs.I)
                        {
                            UpdateMissing(missingClient, store.GetState(missingClient));
                            AddStackToRest();
                        }
                        else
                        {
                            head = structRefs.Refs[structRefs.I++];
                            continue;
                        }
                    }
                    else if (offset == 0 || offset < head.Length)
                    {
                        head.Integrate(tx, offset);
                    }
                }
            }
            if (stack.Count > 0)
            {
                head = stack[^1];
                stack.RemoveAt(stack.Count - 1);
            }
            else if (current != null && current.I < current.Refs.Count)
            {
                head = current.Refs[current.I++];
            }
            else
            {
                current = NextTarget();
                if (current == null) break;
                head = current.Refs[current.I++];
            }
        }
        return restStructs is { Structs.Count: > 0 } ? restStructs : null;
    }

    /// <summary>Deletes what the set names; returns the part referring to content not received yet.</summary>
    private static DeleteSet? ApplyDeleteSet(Transaction tx, StructStore store, DeleteSet ds)
    {
        DeleteSet? unapplied = null;
        foreach (var (client, ranges) in ds.Clients)
        {
            store.Clients.TryGetValue(client, out var structs);
            var state = store.GetState(client);
            foreach (var range in ranges)
            {
                var clock = range.Clock;
                var clockEnd = clock + range.Length;
                if (clock < state)
                {
                    if (state < clockEnd) (unapplied ??= new DeleteSet()).Add(client, state, clockEnd - state);
                    var index = StructStore.FindIndex(structs!, clock);
                    var s = structs![index];
                    if (!s.Deleted && s.Id.Clock < clock)
                    {
                        structs.Insert(index + 1, ((Item)s).Split(tx, clock - s.Id.Clock));
                        index++;
                    }
                    while (index < structs.Count)
                    {
                        s = structs[index++];
                        if (s.Id.Clock < clockEnd)
                        {
                            if (!s.Deleted)
                            {
                                var item = (Item)s;
                                if (clockEnd < s.Id.Clock + s.Length) structs.Insert(index, item.Split(tx, clockEnd - s.Id.Clock));
                                item.Delete(tx);
                            }
                        }
                        else break;
                    }
                }
                // An empty range deletes nothing; parking it would leave a range update v2 cannot encode.
                else if (clockEnd > clock) (unapplied ??= new DeleteSet()).Add(client, clock, clockEnd - clock);
            }
        }
        unapplied?.SortAndMerge();
        return unapplied;
    }
}
