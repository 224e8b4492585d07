using System.Security.Claims;

namespace Vibe.Web.Identity;

public static class UserClaims
{
    public const string Scheme = "Vibe";
    public const string PubkeyClaim = "nostr:pubkey";
    public const string AdminPolicy = "instance-admin";

    /// <summary>The caller's Nostr public key; endpoints behind RequireAuthorization always have one.</summary>
    public static string Pubkey(this ClaimsPrincipal user) =>
        user.FindFirstValue(PubkeyClaim) ?? throw new InvalidOperationException("The request is not authenticated.");
}
