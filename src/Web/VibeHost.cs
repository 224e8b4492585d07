using Microsoft.AspNetCore.Authentication;
using Orleans.Dashboard;
using Orleans.Hosting;
using Vibe.Grains.Hosting;
using Vibe.Grains.Identity;
using Vibe.Web.Collab;
using Vibe.Web.Errors;
using Vibe.Web.Files;
using Vibe.Web.Hosting;
using Vibe.Web.Health;
using Vibe.Web.Identity;
using Vibe.Web.Observability;
using Vibe.Web.Preview;
using Vibe.Web.Projects;

namespace Vibe.Web;

/// <summary>How the web node is put together; Program.cs only calls these two steps.</summary>
public static class VibeHost
{
    public const string DefaultUrl = "http://localhost:5080";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No configuration reload: it watches the content root and everything below it, which under `dotnet run` holds
        // the data directory, so each commit to the update log and each file npm writes for a preview was an event
        // to process and each new directory a watch against the user's inotify limit. Settings are read at start.
        var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        configure?.Invoke(builder);
        // Kestrel's pipes follow the sockets: inline too when socket completions are (Hosting/InlineIo).
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = InlineIo.IsOn);

        var options = builder.Configuration.GetSection(VibeOptions.Section).Get<VibeOptions>() ?? new VibeOptions();
        options.Validate();

        // The schema must exist before the silo joins the cluster and before the session key is read.
        await VibeSchema.MigrateOnStartAsync(options);
        var sessionKey = await SessionKeyStore.LoadAsync(options, CancellationToken.None);
        // The IDE's port and, beside it, the preview origin's: a project's code never runs on the IDE's origin.
        builder.AddPreviewOrigin(DefaultUrl, sessionKey);

        // Activities flow through grain calls only when they are exported (see Telemetry). The dashboard runs only
        // when someone may open it: its profiler wraps every grain call and its metric reader walks the grain
        // directory cache every second, together about a tenth of the CPU of a busy node (bench/Collab.Bench).
        var traced = Telemetry.IsExported(builder.Configuration);
        var dashboard = options.Admins.Count > 0;
        if (options.Role == VibeRole.Silo)
            builder.UseOrleans(silo =>
            {
                silo.AddVibeSilo(options);
                if (dashboard)
                    silo.AddDashboard();
                if (traced)
                    silo.AddActivityPropagation();
            });
        else
            builder.UseOrleansClient(client =>
            {
                client.AddVibeClient(options);
                if (dashboard)
                    client.AddDashboard();
                if (traced)
                    client.AddActivityPropagation();
            });

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddProblemDetails();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = CollabHub.MaxFrameBytes + 4096).AddMessagePackProtocol();
        builder.Services.AddSingleton<DocumentFanout>();
        builder.Services.AddSingleton<ProjectFanout>();
        builder.Services.AddSingleton<PreviewFanout>();
        builder.Services.AddVibeTelemetry(builder.Configuration);

        builder.Services.AddSingleton(sp => new SessionTokens(sessionKey, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<INip98ReplayGuard, GrainReplayGuard>();
        builder.Services.AddSingleton(sp => new Nip98Verifier(sp.GetRequiredService<INip98ReplayGuard>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddAuthentication(UserClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, VibeAuthenticationHandler>(UserClaims.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(UserClaims.AdminPolicy, p => p.RequireAuthenticatedUser()
                .RequireAssertion(ctx => ctx.User.FindFirst(UserClaims.PubkeyClaim) is { } c && options.Admins.Contains(c.Value)));

        var app = builder.Build();
        app.UsePreviewOrigin();
        app.UseVibeProblemDetails();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets();
        app.UseDashboardSessionCookie();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapHealthEndpoints();
        var api = app.MapGroup("/api");
        api.MapAuthEndpoints();
        api.MapProjectEndpoints();
        api.MapFileEndpoints();
        api.MapPreviewEndpoints();
        app.MapHub<CollabHub>("/hubs/collab");
        app.MapYjsWebSocket();
        if (dashboard)
            app.MapOrleansDashboard("/dashboard").RequireAuthorization(UserClaims.AdminPolicy);
        else
            app.Map("/dashboard/{**rest}", (HttpContext http) => ProblemResults.WriteAsync(http, VibeErrorCodes.NotFound,
                "The dashboard is off: no instance admins are configured (Vibe:Admins).")).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The dashboard page loads its data with plain requests that cannot carry a bearer header, so the
    /// token given once as <c>?access_token=</c> is kept in an HTTP-only cookie scoped to <c>/dashboard</c>,
    /// and the browser is sent on to the same page without the token so that it does not stay in the
    /// address bar, the history or Referer headers. An invalid token is left for authentication to refuse.
    /// </summary>
    static void UseDashboardSessionCookie(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/dashboard") && HttpMethods.IsGet(http.Request.Method)
            && http.Request.Query.TryGetValue("access_token", out var token)
            && http.RequestServices.GetRequiredService<SessionTokens>().TryValidate(token.ToString(), out _))
        {
            http.Response.Cookies.Append(VibeAuthenticationHandler.SessionCookie, token.ToString(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/dashboard",
                Secure = http.Request.IsHttps,
            });
            var rest = QueryString.Create(http.Request.Query.Where(q => q.Key != "access_token"));
            http.Response.Redirect($"{http.Request.PathBase}{http.Request.Path}{rest}");
            return;
        }
        await next(http);
    });
}
