using Xunit;

namespace Vibe.Crdt.Interop.Tests.Findings;

/// <summary>
/// Finding F2 (from the fuzz test): ConvertUpdateFormatV1ToV2 lets untyped exceptions escape on malformed v1 input
/// (InvalidOperationException "Delete ranges must not be empty in update v2", ArgumentOutOfRangeException).
/// </summary>
public sealed class ConvertRobustnessTests
{
    [Theory]
    [InlineData("AQEABaEAAAEBAAEFAA==")]
    [InlineData("AAECAQAA")]
    [InlineData("AQEEF6cEEgABBAYIAAQFBH0BfQJ9A30EAA==")]
    [InlineData("AAEEAqgDBQF3Dww9FcODw6HDpMO6worDnAA=")]
    public void Malformed_v1_update_is_rejected_by_the_v2_converter_with_the_format_exception(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var e = Record.Exception(() => Y.ConvertUpdateFormatV1ToV2(bytes));
        Assert.True(e is null or CrdtFormatException, e?.ToString());
    }
}
