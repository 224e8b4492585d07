using System.Security.Cryptography;

namespace Vibe.Grains.Tests.Clustering;

/// <summary>Fresh ids for cluster tests so tests sharing one cluster never see each other's grains.</summary>
static class TestKeys
{
    /// <summary>A well-formed public key (64 lowercase hex digits); the grains never verify it is on the curve.</summary>
    public static string Pubkey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string ProjectId(string name = "test") => $"{name}-{Guid.NewGuid():N}"[..Math.Min(64, name.Length + 33)];
}
