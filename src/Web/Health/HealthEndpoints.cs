using Orleans.Runtime;
using Vibe.Grains.Hosting;

namespace Vibe.Web.Health;

public sealed record ReadyResponse(string Status, bool Silo, int ActiveSilos, bool Storage, string StorageDetail);

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" })).WithTags("Health").AllowAnonymous();

        // Ready means a grain call can reach an active silo and the node's own storage answers.
        app.MapGet("/health/ready", async (IClusterClient client, StorageProbe storage, CancellationToken ct) =>
        {
            var silos = 0;
            try
            {
                var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), ct);
                silos = hosts.Count;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                silos = 0;
            }
            var (ok, detail) = await storage.CheckAsync(ct);
            var ready = silos > 0 && ok;
            var body = new ReadyResponse(ready ? "ready" : "not-ready", silos > 0, silos, ok, detail);
            return ready ? Results.Ok(body) : Results.Json(body, statusCode: 503);
        }).WithTags("Health").AllowAnonymous();
    }
}
