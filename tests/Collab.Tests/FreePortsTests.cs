using System.Net;
using System.Net.Sockets;
using Vibe.Testing;
using Vibe.Web;

namespace Vibe.Collab.Tests;

/// <summary>
/// The fixtures start again on new ports when one was taken between choosing and binding it; that rests on
/// <see cref="FreePorts.IsAddressInUse"/> recognising what a node really throws then.
/// </summary>
public sealed class FreePortsTests
{
    [Fact]
    public void Ports_are_handed_out_once_per_process()
    {
        var ports = Enumerable.Range(0, 200).Select(_ => FreePorts.Next()).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("http")]
    public async Task A_node_whose_port_is_taken_fails_as_address_in_use(string which)
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var dataDir = Path.Combine(Path.GetTempPath(), "vibe-ports-" + Guid.NewGuid().ToString("N")[..10]);
        var app = await VibeHost.BuildAsync([
            $"--urls=http://127.0.0.1:{(which == "http" ? taken : FreePorts.Next())}",
            $"--Vibe:DataDir={dataDir}",
            $"--Vibe:SiloPort={(which == "silo" ? taken : FreePorts.Next())}",
            $"--Vibe:GatewayPort={FreePorts.Next()}",
            $"--Vibe:PreviewUrl=http://127.0.0.1:{FreePorts.Next()}",
            "--Logging:LogLevel:Default=None",
        ]);
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
            Assert.True(FreePorts.IsAddressInUse(failure), failure.ToString());
            Assert.False(FreePorts.IsAddressInUse(new InvalidOperationException("something else", new IOException("disk"))));
        }
        finally
        {
            try { await app.DisposeAsync(); } catch (Exception) { /* never started */ }
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
