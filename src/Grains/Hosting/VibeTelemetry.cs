using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Vibe.Grains.Hosting;

/// <summary>Vibe's own trace source and meters, registered with OpenTelemetry by the hosts.</summary>
public static class VibeTelemetry
{
    public const string SourceName = "Vibe";
    public const string MeterName = "Vibe";

    public static readonly ActivitySource Source = new(SourceName);
    static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> FilesWritten = Meter.CreateCounter<long>("vibe.files.written", description: "Files written through namespaces");
    public static readonly Counter<long> BytesWritten = Meter.CreateCounter<long>("vibe.files.bytes_written", "By", "Bytes written through namespaces");
    public static readonly Counter<long> ProjectsCreated = Meter.CreateCounter<long>("vibe.projects.created", description: "Projects created");
    public static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>("vibe.auth.failures", description: "Rejected authentication attempts, by code");
}
