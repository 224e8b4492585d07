using System.Net.Http.Headers;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

/// <summary>
/// Signs every request with a fresh NIP-98 event, the way a Vibe client that holds its own key does;
/// or, once given a session token, sends it as a bearer token instead.
/// </summary>
public sealed class Nip98Handler(NostrEventSigner signer) : DelegatingHandler
{
    public string? BearerToken { get; set; }

    /// <summary>Lets a test tamper with the event before it is sent (wrong URL, stale time, ...).</summary>
    public Func<HttpRequestMessage, byte[], string>? HeaderOverride { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Headers.Authorization is null)
        {
            if (BearerToken is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            else
            {
                var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct);
                var header = HeaderOverride?.Invoke(request, body)
                    ?? Nip98Authorization.CreateHeader(signer, request.RequestUri!.AbsoluteUri, request.Method.Method, body, DateTimeOffset.UtcNow);
                request.Headers.TryAddWithoutValidation("Authorization", header);
            }
        }
        return await base.SendAsync(request, ct);
    }
}
