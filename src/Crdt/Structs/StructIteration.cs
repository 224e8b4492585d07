namespace Vibe.Crdt.Structs;

internal static class StructIteration
{
    /// <summary>Visits the structs covering [clockStart, clockStart+len), splitting items at both ends.</summary>
    public static void Iterate(Transaction tx, List<AbstractStruct> structs, long clockStart, long len, Action<AbstractStruct> visit)
    {
        if (len == 0) return;
        var clockEnd = clockStart + len;
        var store = tx.Doc.Store;
        var index = store.FindIndexCleanStart(tx, structs, clockStart);
        AbstractStruct s;
        do
        {
            s = structs[index++];
            if (clockEnd < s.Id.Clock + s.Length) store.FindIndexCleanStart(tx, structs, clockEnd);
            visit(s);
        } while (index < structs.Count && structs[index].Id.Clock < clockEnd);
    }
}
