namespace Vibe.Crdt;

/// <summary>Raised when bytes handed to the engine are not a well-formed lib0/Yjs encoding.</summary>
public sealed class CrdtFormatException : Exception
{
    public CrdtFormatException(string message) : base(message) { }

    public CrdtFormatException(string message, Exception inner) : base(message, inner) { }
}
