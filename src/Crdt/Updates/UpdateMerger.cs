using Vibe.Crdt.Encoding;
using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Updates;

/// <summary>Works on encoded updates without a document: merge, diff against a state vector, state vector of an update.</summary>
internal static class UpdateMerger
{
    /// <summary>Iterates the structs of a parsed update in encoded order, optionally hiding skips.</summary>
    private sealed class StructCursor
    {
        private readonly List<AbstractStruct> _structs;
        private readonly bool _filterSkips;
        private int _next;

        public StructCursor(List<AbstractStruct> structs, bool filterSkips)
        {
            _structs = structs;
            _filterSkips = filterSkips;
            Next();
        }

        public AbstractStruct? Current { get; private set; }

        public AbstractStruct? Next()
        {
            do
            {
                Current = _next < _structs.Count ? _structs[_next++] : null;
            } while (_filterSkips && Current is SkipStruct);
            return Current;
        }
    }

    /// <summary>Buffers client blocks so their struct counts can be written before them.</summary>
    private sealed class BlockWriter
    {
        private readonly IUpdateEncoder _encoder;
        private readonly List<(int Written, byte[] Bytes)> _blocks = new();
        private long _currentClient;
        private int _written;

        public BlockWriter(IUpdateEncoder encoder) => _encoder = encoder;

        private void Flush()
        {
            if (_written == 0) return;
            _blocks.Add((_written, _encoder.Rest.ToArray()));
            _encoder.Rest = new Lib0Writer();
            _written = 0;
        }

        public void Write(AbstractStruct s, long offset)
        {
            if (_written > 0 && _currentClient != s.Id.Client) Flush();
            if (_written == 0)
            {
                _currentClient = s.Id.Client;
                _encoder.WriteClient(s.Id.Client);
                _encoder.Rest.WriteVarUint(s.Id.Clock + offset);
            }
            s.Write(_encoder, offset);
            _written++;
        }

        public void Finish()
        {
            Flush();
            var rest = _encoder.Rest;
            rest.WriteVarUint((ulong)_blocks.Count);
            foreach (var (written, bytes) in _blocks)
            {
                rest.WriteVarUint((ulong)written);
                rest.WriteBytes(bytes);
            }
        }
    }

    private static AbstractStruct Slice(AbstractStruct left, long diff)
    {
        var id = new Id(left.Id.Client, left.Id.Clock + diff);
        switch (left)
        {
            case GcStruct: return new GcStruct(id, left.Length - diff);
            case SkipStruct: return new SkipStruct(id, left.Length - diff);
            default:
            {
                var item = (Item)left;
                return new Item(id, null, new Id(id.Client, id.Clock - 1), null, item.RightOrigin, item.Parent, item.ParentSub, item.Content.Splice(diff))
                {
                    ParentRef = item.ParentRef,
                };
            }
        }
    }

    public static byte[] Merge(IReadOnlyList<byte[]> updates, Func<byte[], ParsedUpdate> parse, Func<IUpdateEncoder> createEncoder)
    {
        if (updates.Count == 1) return updates[0];
        var parsed = updates.Select(parse).ToList();
        var cursors = parsed.Select(p => new StructCursor(p.Flat, true)).ToList();
        var encoder = createEncoder();
        var writer = new BlockWriter(encoder);
        AbstractStruct? currWrite = null;
        long currOffset = 0;

        static int Compare(StructCursor a, StructCursor b)
        {
            var x = a.Current!;
            var y = b.Current!;
            if (x.Id.Client == y.Id.Client)
            {
                var clockDiff = x.Id.Clock.CompareTo(y.Id.Clock);
                if (clockDiff != 0) return clockDiff;
                if (x.GetType() == y.GetType()) return 0;
                return x is SkipStruct ? 1 : -1;
            }
            return y.Id.Client.CompareTo(x.Id.Client);
        }

        while (true)
        {
            cursors = cursors.Where(c => c.Current != null).ToList();
            // Stable sort like Array.prototype.sort.
            cursors = cursors.OrderBy(c => c, Comparer<StructCursor>.Create(Compare)).ToList();
            if (cursors.Count == 0) break;
            var dec = cursors[0];
            var firstClient = dec.Current!.Id.Client;
            if (currWrite != null)
            {
                var curr = dec.Current;
                var iterated = false;
                while (curr != null && curr.Id.Clock + curr.Length <= currWrite.Id.Clock + currWrite.Length && curr.Id.Client >= currWrite.Id.Client)
                {
                    curr = dec.Next();
                    iterated = true;
                }
                if (curr == null || curr.Id.Client != firstClient || (iterated && curr.Id.Clock > currWrite.Id.Clock + currWrite.Length)) continue;
                if (firstClient != currWrite.Id.Client)
                {
                    writer.Write(currWrite, currOffset);
                    currWrite = curr;
                    currOffset = 0;
                    dec.Next();
                }
                else if (currWrite.Id.Clock + currWrite.Length < curr.Id.Clock)
                {
                    if (currWrite is SkipStruct) currWrite.Length = curr.Id.Clock + curr.Length - currWrite.Id.Clock;
                    else
                    {
                        writer.Write(currWrite, currOffset);
                        var diff = curr.Id.Clock - currWrite.Id.Clock - currWrite.Length;
                        currWrite = new SkipStruct(new Id(firstClient, currWrite.Id.Clock + currWrite.Length), diff);
                        currOffset = 0;
                    }
                }
                else
                {
                    var diff = currWrite.Id.Clock + currWrite.Length - curr.Id.Clock;
                    if (diff > 0)
                    {
                        if (currWrite is SkipStruct) currWrite.Length -= diff;
                        else curr = Slice(curr, diff);
                    }
                    if (!(currWrite.GetType() == curr.GetType() && currWrite is not Item && currWrite.MergeWith(curr)))
                    {
                        writer.Write(currWrite, currOffset);
                        currWrite = curr;
                        currOffset = 0;
                        dec.Next();
                    }
                }
            }
            else
            {
                currWrite = dec.Current!;
                currOffset = 0;
                dec.Next();
            }
            for (var next = dec.Current; next != null && next.Id.Client == firstClient && next.Id.Clock == currWrite.Id.Clock + currWrite.Length && next is not SkipStruct; next = dec.Next())
            {
                writer.Write(currWrite, currOffset);
                currWrite = next;
                currOffset = 0;
            }
        }
        if (currWrite != null) writer.Write(currWrite, currOffset);
        writer.Finish();
        DeleteSet.Merge(parsed.Select(p => p.DeleteSet)).Write(encoder);
        return encoder.ToArray();
    }

    public static byte[] Diff(ParsedUpdate update, IReadOnlyDictionary<long, long> state, IUpdateEncoder encoder)
    {
        var writer = new BlockWriter(encoder);
        var reader = new StructCursor(update.Flat, false);
        while (reader.Current != null)
        {
            var curr = reader.Current;
            var client = curr.Id.Client;
            var svClock = state.TryGetValue(client, out var c) ? c : 0;
            if (curr is SkipStruct)
            {
                reader.Next();
                continue;
            }
            if (curr.Id.Clock + curr.Length > svClock)
            {
                writer.Write(curr, Math.Max(svClock - curr.Id.Clock, 0));
                reader.Next();
                while (reader.Current != null && reader.Current.Id.Client == client)
                {
                    writer.Write(reader.Current, 0);
                    reader.Next();
                }
            }
            else
            {
                while (reader.Current != null && reader.Current.Id.Client == client && reader.Current.Id.Clock + reader.Current.Length <= svClock) reader.Next();
            }
        }
        writer.Finish();
        update.DeleteSet.Write(encoder);
        return encoder.ToArray();
    }

    /// <summary>Re-encodes an update in another format (yjs convertUpdateFormat).</summary>
    public static byte[] Convert(ParsedUpdate update, IUpdateEncoder encoder)
    {
        var writer = new BlockWriter(encoder);
        foreach (var s in update.Flat) writer.Write(s, 0);
        writer.Finish();
        update.DeleteSet.Write(encoder);
        return encoder.ToArray();
    }

    /// <summary>The state vector bytes in the update's own client order, as yjs writes them.</summary>
    public static byte[] EncodeStateVectorOf(ParsedUpdate update)
    {
        var structs = update.Flat;
        var entries = new List<(long Client, long Clock)>();
        if (structs.Count > 0)
        {
            var currClient = structs[0].Id.Client;
            var stopCounting = structs[0].Id.Clock != 0;
            long currClock = stopCounting ? 0 : structs[0].Id.Clock + structs[0].Length;
            foreach (var curr in structs)
            {
                if (currClient != curr.Id.Client)
                {
                    if (currClock != 0) entries.Add((currClient, currClock));
                    currClient = curr.Id.Client;
                    currClock = 0;
                    stopCounting = curr.Id.Clock != 0;
                }
                if (curr is SkipStruct) stopCounting = true;
                if (!stopCounting) currClock = curr.Id.Clock + curr.Length;
            }
            if (currClock != 0) entries.Add((currClient, currClock));
        }
        var w = new Lib0Writer();
        w.WriteVarUint((ulong)entries.Count);
        foreach (var (client, clock) in entries)
        {
            w.WriteVarUint(client);
            w.WriteVarUint(clock);
        }
        return w.ToArray();
    }
}
