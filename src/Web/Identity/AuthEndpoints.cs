using Vibe.Contracts.Errors;
using Vibe.Contracts.Identity;
using Vibe.Grains.Hosting;
using Vibe.Grains.Identity;
using Vibe.Web.Errors;

namespace Vibe.Web.Identity;

public sealed record SessionResponse(string Token, DateTimeOffset ExpiresAt, string Pubkey);
public sealed record MeResponse(string Pubkey, string Npub, bool Admin, IReadOnlyList<string> Projects);

public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        // Only a NIP-98 signature mints a session; a session token cannot extend itself.
        api.MapPost("/auth/session", (HttpContext http, SessionTokens sessions, VibeOptions options) =>
        {
            if (http.User.FindFirst(VibeAuthenticationHandler.MethodClaim)?.Value != "nip98")
                return ProblemResults.From(VibeErrorCodes.Unauthenticated, "Sign this request with NIP-98 (Authorization: Nostr …) to get a session.");
            var pubkey = http.User.Pubkey();
            var issued = sessions.Issue(pubkey, TimeSpan.FromMinutes(options.SessionMinutes));
            return Results.Ok(new SessionResponse(issued.Token, issued.ExpiresAt, pubkey));
        }).RequireAuthorization().WithTags("Auth").WithName("CreateSession");

        api.MapGet("/me", async (HttpContext http, IGrainFactory grains, VibeOptions options) =>
        {
            var pubkey = http.User.Pubkey();
            var projects = await grains.GetGrain<IUserGrain>(pubkey).GetProjectsAsync();
            return Results.Ok(new MeResponse(pubkey, NostrKeys.ToNpub(pubkey), options.Admins.Contains(pubkey), projects));
        }).RequireAuthorization().WithTags("Auth").WithName("Me");

        return api;
    }
}
