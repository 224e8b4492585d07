using Vibe.Contracts.Preview;
using Vibe.Contracts.Projects;
using Vibe.Grains.Hosting;
using Vibe.Web.Identity;
using Vibe.Web.Projects;

namespace Vibe.Web.Preview;

public static class PreviewEndpoints
{
    public static RouteGroupBuilder MapPreviewEndpoints(this RouteGroupBuilder api)
    {
        var preview = api.MapGroup("/projects/{id}").WithTags("Preview").RequireAuthorization();

        // Any member may look at the running app; the URL's token lets this user into this project's preview only.
        preview.MapGet("/preview", async (string id, HttpContext http, IGrainFactory grains, PreviewTokens tokens,
            PreviewOriginOptions origin, VibeOptions vibe) =>
        {
            var me = http.User.Pubkey();
            await ProjectGuard.RequireAsync(grains, id, me, ProjectRole.Viewer);
            var status = await grains.GetGrain<IPreviewGrain>(id).StartAsync();
            var token = tokens.Issue(id, me, TimeSpan.FromMinutes(vibe.SessionMinutes));
            var url = $"{origin.PublicUri.GetLeftPart(UriPartial.Authority)}{PreviewServer.Prefix}/{id}/?{PreviewServer.TokenParameter}={token.Token}";
            return TypedResults.Ok(new PreviewView(url, status.State.ToWire(), status.Message, token.ExpiresAt));
        })
        .WithName("GetPreview")
        .WithSummary("Starts the project's preview and returns its URL (with a token for the preview origin) and status.")
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        return preview;
    }
}
