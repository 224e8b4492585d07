using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;
using Vibe.Grains.Hosting;

namespace Vibe.Web.Observability;

public static class Telemetry
{
    /// <summary>
    /// Traces and metrics for ASP.NET Core, HttpClient, Orleans and Vibe's own sources; exported over OTLP
    /// only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, so a laptop run sends nothing anywhere.
    /// </summary>
    public static IServiceCollection AddVibeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("vibe"))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", VibeTelemetry.SourceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", VibeTelemetry.MeterName));
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return services;
    }
}
