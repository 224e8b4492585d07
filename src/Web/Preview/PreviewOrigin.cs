using Vibe.Grains.Identity;

namespace Vibe.Web.Preview;

/// <summary>
/// Puts the preview origin into the web node: one more Kestrel binding beside the IDE's own, and a branch
/// at the very start of the pipeline that takes every request arriving on that port. Requests are told
/// apart by the local port they arrived on, not by the Host header, which a client chooses.
/// </summary>
public static class PreviewOrigin
{
    /// <summary>Binds the IDE's URLs (<c>urls</c>, else <c>http_ports</c>, else <paramref name="defaultIdeUrl"/>) and the preview's.</summary>
    public static PreviewOriginOptions AddPreviewOrigin(this WebApplicationBuilder builder, string defaultIdeUrl, byte[] sessionKey)
    {
        var options = PreviewOriginOptions.From(builder.Configuration);
        var ideUrls = IdeUrls(builder.Configuration, defaultIdeUrl);
        options.Validate(ideUrls);
        builder.WebHost.UseUrls([.. ideUrls, options.ListenUrl]);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new PreviewTokens(sessionKey, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<PreviewServer>();
        return options;
    }

    static List<string> IdeUrls(IConfiguration configuration, string defaultIdeUrl)
    {
        static IEnumerable<string> Split(string? value) =>
            (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var urls = Split(configuration["urls"]).ToList();
        if (urls.Count > 0)
            return urls;
        // The host's own fallbacks when "urls" is unset, which UseUrls would otherwise override.
        urls.AddRange(Split(configuration["http_ports"]).Select(p => $"http://*:{p}"));
        urls.AddRange(Split(configuration["https_ports"]).Select(p => $"https://*:{p}"));
        return urls.Count > 0 ? urls : [defaultIdeUrl];
    }

    /// <summary>The preview port's requests go to <see cref="PreviewServer"/> and nowhere else.</summary>
    public static void UsePreviewOrigin(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<PreviewOriginOptions>().ListenPort;
        var server = app.Services.GetRequiredService<PreviewServer>();
        app.MapWhen(http => http.Connection.LocalPort == port, preview =>
        {
            preview.UseWebSockets();
            preview.Run(server.HandleAsync);
        });
    }
}
