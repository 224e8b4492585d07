using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;
using Vibe.Grains.Hosting;

namespace Vibe.Web.Observability;

public static class Telemetry
{
    /// <summary>
    /// Traces and metrics for ASP.NET Core, HttpClient, Orleans and Vibe's own sources, exported over OTLP
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without an endpoint nothing is collected at all: a
    /// listener on the Orleans sources makes every grain call build an Activity, which cost a tenth of the
    /// server's CPU under bench/Collab.Bench for traces nobody reads.
    /// </summary>
    public static IServiceCollection AddVibeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsExported(configuration))
            return services;
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
        otel.UseOtlpExporter();
        return services;
    }

    public static bool IsExported(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
