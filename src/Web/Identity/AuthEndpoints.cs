using Vibe.Contracts.Errors;
using Vibe.Contracts.Identity;
using Vibe.Grains.Hosting;
using Vibe.Grains.Identity;
using Vibe.Web.Errors;

namespace Vibe.Web.Identity;

public sealed record SessionResponse(string Token, DateTimeOffset ExpiresAt, string Pubkey);
public sealed record MeResponse(string Pubkey, string Npub, bool Admin, IReadOnlyList<string> Projects, string? Name, string? Color);
public sealed record ProfileRequest(string? Name, string? Color);

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
            var user = grains.GetGrain<IUserGrain>(pubkey);
            var projects = await user.GetProjectsAsync();
            var profile = await user.GetProfileAsync();
            return Results.Ok(new MeResponse(pubkey, NostrKeys.ToNpub(pubkey), options.Admins.Contains(pubkey), projects, profile.Name, profile.Color));
        }).RequireAuthorization().WithTags("Auth").WithName("Me");

        // The name and colour collaborators see in presence events (the browser also sends them in awareness).
        api.MapPut("/me/profile", async (ProfileRequest body, HttpContext http, IGrainFactory grains) =>
        {
            var profile = await grains.GetGrain<IUserGrain>(http.User.Pubkey()).SetProfileAsync(new UserProfile(body.Name, body.Color));
            return Results.Ok(profile);
        }).RequireAuthorization().WithTags("Auth").WithName("SetProfile");

        return api;
    }
}
