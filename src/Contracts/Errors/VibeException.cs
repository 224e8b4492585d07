namespace Vibe.Contracts.Errors;

/// <summary>
/// An error a user or client can cause. It crosses grain boundaries intact so the web layer can answer
/// with a problem details body carrying the same stable <see cref="Code"/>.
/// </summary>
[GenerateSerializer, Alias("vibe.error")]
public sealed class VibeException : Exception
{
    public VibeException(string code, string message) : base(message) => Code = code;

    [Id(0)] public string Code { get; }

    public static VibeException NotFound(string what) => new(VibeErrorCodes.NotFound, $"{what} was not found.");
}
