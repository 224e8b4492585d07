namespace Vibe.Contracts;
