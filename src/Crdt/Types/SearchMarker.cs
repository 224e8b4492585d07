using Vibe.Crdt.Structs;

namespace Vibe.Crdt.Types;

/// <summary>A remembered (item, index) pair that lets list lookups start near the target instead of at the head.</summary>
public sealed class SearchMarker
{
    public const int MaxMarkers = 80;

    // A process-wide counter, as in yjs, deciding which marker is least recently used.
    private static long _globalTimestamp;

    public Item Item;
    public long Index;
    public long Timestamp;

    public SearchMarker(Item item, long index)
    {
        item.Marker = true;
        Item = item;
        Index = index;
        Timestamp = _globalTimestamp++;
    }

    internal void Refresh() => Timestamp = _globalTimestamp++;

    internal void Overwrite(Item item, long index)
    {
        Item.Marker = false;
        Item = item;
        item.Marker = true;
        Index = index;
        Timestamp = _globalTimestamp++;
    }

    internal static SearchMarker MarkPosition(List<SearchMarker> markers, Item item, long index)
    {
        if (markers.Count >= MaxMarkers)
        {
            var oldest = markers[0];
            for (var i = 1; i < markers.Count; i++) if (markers[i].Timestamp < oldest.Timestamp) oldest = markers[i];
            oldest.Overwrite(item, index);
            return oldest;
        }
        var m = new SearchMarker(item, index);
        markers.Add(m);
        return m;
    }

    /// <summary>Finds (and records) a marker near index; null when the list cannot use markers.</summary>
    internal static SearchMarker? Find(AbstractType list, long index)
    {
        var markers = list.SearchMarkers;
        if (list.Start == null || index == 0 || markers == null) return null;
        SearchMarker? marker = null;
        if (markers.Count > 0)
        {
            marker = markers[0];
            var best = Math.Abs(index - marker.Index);
            for (var i = 1; i < markers.Count; i++)
            {
                var d = Math.Abs(index - markers[i].Index);
                if (d <= best)
                {
                    best = d;
                    marker = markers[i];
                }
            }
        }
        var p = list.Start;
        long pindex = 0;
        if (marker != null)
        {
            p = marker.Item;
            pindex = marker.Index;
            marker.Refresh();
        }
        while (p.Right != null && pindex < index)
        {
            if (!p.IsDeleted && p.Countable)
            {
                if (index < pindex + p.Length) break;
                pindex += p.Length;
            }
            p = p.Right;
        }
        while (p.Left != null && pindex > index)
        {
            p = p.Left;
            if (!p.IsDeleted && p.Countable) pindex -= p.Length;
        }
        // Never point at an item that could be merged into its left neighbour.
        while (p.Left != null && p.Left.Id.Client == p.Id.Client && p.Left.Id.Clock + p.Left.Length == p.Id.Clock)
        {
            p = p.Left;
            if (!p.IsDeleted && p.Countable) pindex -= p.Length;
        }
        if (marker != null && Math.Abs(marker.Index - pindex) < (double)p.Parent!.LengthField / MaxMarkers)
        {
            marker.Overwrite(p, pindex);
            return marker;
        }
        return MarkPosition(markers, p, pindex);
    }

    /// <summary>Shifts markers after an insertion (len &gt; 0) or deletion (len &lt; 0) at index.</summary>
    internal static void UpdateChanges(List<SearchMarker> markers, long index, long len)
    {
        for (var i = markers.Count - 1; i >= 0; i--)
        {
            var m = markers[i];
            if (len > 0)
            {
                Item? p = m.Item;
                p.Marker = false;
                while (p != null && (p.IsDeleted || !p.Countable))
                {
                    p = p.Left;
                    if (p != null && !p.IsDeleted && p.Countable) m.Index -= p.Length;
                }
                if (p == null || p.Marker)
                {
                    markers.RemoveAt(i);
                    continue;
                }
                m.Item = p;
                p.Marker = true;
            }
            if (index < m.Index || (len > 0 && index == m.Index)) m.Index = Math.Max(index, m.Index + len);
        }
    }
}
