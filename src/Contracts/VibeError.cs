namespace Vibe.Contracts;

/// <summary>Placeholder until the error codes land.</summary>
public static class VibeErrorCodes;
