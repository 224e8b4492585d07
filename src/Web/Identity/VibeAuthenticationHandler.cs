using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Vibe.Contracts.Errors;
using Vibe.Grains.Identity;
using Vibe.Web.Errors;

namespace Vibe.Web.Identity;

/// <summary>
/// Authenticates a request by a NIP-98 signed event (<c>Authorization: Nostr …</c>) or by a session token
/// (<c>Authorization: Bearer …</c>; on WebSocket, SignalR and dashboard paths also <c>?access_token=</c>).
/// Failures answer 401 with the verifier's error code in a problem details body.
/// </summary>
public sealed class VibeAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    Nip98Verifier nip98,
    SessionTokens sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string MethodClaim = "vibe:auth-method";
    const string FailureKey = "vibe.auth.failure";
    const long MaxSignedBody = 64L * 1024 * 1024;
    public const string SessionCookie = "vibe_session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return FromToken(header["Bearer ".Length..].Trim());
        if (header.StartsWith(Nip98Authorization.Scheme + " ", StringComparison.OrdinalIgnoreCase))
            return await FromNip98Async(header);
        if (header.Length > 0)
            return Fail("auth.malformed", "The Authorization header must use the Nostr (NIP-98) or Bearer scheme.");

        if (AcceptsQueryToken(Request.Path) && Request.Query.TryGetValue("access_token", out var token))
            return FromToken(token.ToString());
        if (Request.Path.StartsWithSegments("/dashboard") && Request.Cookies.TryGetValue(SessionCookie, out var cookie))
            return FromToken(cookie);
        return AuthenticateResult.NoResult();
    }

    /// <summary>Browsers cannot set headers on WebSockets or on a page they navigate to.</summary>
    static bool AcceptsQueryToken(PathString path) =>
        path.StartsWithSegments("/hubs") || path.StartsWithSegments("/yjs") || path.StartsWithSegments("/dashboard");

    AuthenticateResult FromToken(string token) =>
        sessions.TryValidate(token, out var pubkey)
            ? Success(pubkey, "session")
            : Fail("auth.invalid_token", "The session token is invalid or expired; sign in again.");

    async Task<AuthenticateResult> FromNip98Async(string header)
    {
        byte[]? bodyHash = null;
        if (Request.ContentLength is > 0 || Request.Headers.TransferEncoding.Count > 0)
        {
            if (Request.ContentLength > MaxSignedBody)
                return Fail(VibeErrorCodes.FileTooLarge, "The request body is too large.");
            // The body is hashed here and read again by the endpoint.
            Request.EnableBuffering();
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await Request.Body.ReadAsync(buffer, Context.RequestAborted)) > 0)
            {
                total += read;
                sha.AppendData(buffer, 0, read);
            }
            Request.Body.Position = 0;
            if (total > 0)
                bodyHash = sha.GetHashAndReset();
        }

        var result = await nip98.VerifyWithBodyHashAsync(header, AbsoluteUrl(), Request.Method, bodyHash, Context.RequestAborted);
        return result.Succeeded
            ? Success(result.PubKey!, "nip98")
            : Fail(result.ErrorCode!, result.Message!);
    }

    /// <summary>The URL exactly as the client addressed it: NIP-98's <c>u</c> tag must equal it.</summary>
    string AbsoluteUrl()
    {
        var target = Context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || !target.StartsWith('/'))
            target = $"{Request.PathBase}{Request.Path}{Request.QueryString}";
        return $"{Request.Scheme}://{Request.Host}{target}";
    }

    AuthenticateResult Success(string pubkey, string method)
    {
        var identity = new ClaimsIdentity([new Claim(UserClaims.PubkeyClaim, pubkey), new Claim(MethodClaim, method)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    AuthenticateResult Fail(string code, string message)
    {
        Context.Items[FailureKey] = (code, message);
        Grains.Hosting.VibeTelemetry.AuthFailures.Add(1, new KeyValuePair<string, object?>("code", code));
        return AuthenticateResult.Fail(message);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var (code, message) = Context.Items[FailureKey] is ValueTuple<string, string> failure
            ? failure
            : (VibeErrorCodes.Unauthenticated, "Sign the request with NIP-98 (Authorization: Nostr …) or send a session token (Authorization: Bearer …).");
        Response.Headers.WWWAuthenticate = "Nostr, Bearer";
        Response.StatusCode = 401;
        return ProblemResults.From(code, message).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        return ProblemResults.From(VibeErrorCodes.Forbidden, "You do not have the role this needs.").ExecuteAsync(Context);
    }
}
