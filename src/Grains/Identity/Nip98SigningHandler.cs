using System.Net.Http.Headers;

namespace Vibe.Grains.Identity;

/// <summary>
/// An HttpClient handler for Vibe clients that hold their own key (tools, benchmarks, tests): it signs
/// every request with a fresh NIP-98 event, or sends the session token once one is set.
/// </summary>
public sealed class Nip98SigningHandler(NostrEventSigner signer) : DelegatingHandler
{
    public Nip98SigningHandler(NostrEventSigner signer, HttpMessageHandler inner) : this(signer) => InnerHandler = inner;

    public string? BearerToken { get; set; }

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
                request.Headers.TryAddWithoutValidation("Authorization",
                    Nip98Authorization.CreateHeader(signer, request.RequestUri!.AbsoluteUri, request.Method.Method, body, DateTimeOffset.UtcNow));
            }
        }
        return await base.SendAsync(request, ct);
    }
}
