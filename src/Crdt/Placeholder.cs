namespace Vibe.Crdt;
