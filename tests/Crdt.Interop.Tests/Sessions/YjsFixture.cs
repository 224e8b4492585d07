using System.Text.Json.Nodes;
using Vibe.Crdt.Interop.Tests.Harness;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>One node process per test class, plus what the engine under test supports.</summary>
public sealed class YjsFixture : IDisposable
{
    public YjsFixture()
    {
        Host = new YjsHost();
        VibeAcceptsV2 = ProbeV2();
    }

    public YjsHost Host { get; }

    /// <summary>True once Vibe.Crdt applies v2 updates; until then sessions deliver v2 only to yjs peers.</summary>
    public bool VibeAcceptsV2 { get; }

    private bool ProbeV2()
    {
        Host.Call(new JsonObject { ["cmd"] = "new", ["peer"] = "probe", ["clientId"] = 1, ["gc"] = true });
        var u = Host.Call(new JsonObject { ["cmd"] = "op", ["peer"] = "probe", ["op"] = new JsonObject { ["k"] = "ti", ["r"] = 0.0, ["s"] = "probe" } })!;
        Host.Call(new JsonObject { ["cmd"] = "drop", ["peer"] = "probe" });
        var doc = new Doc();
        try
        {
            Y.ApplyUpdateV2(doc, Convert.FromBase64String(u[0]!["v2"]!.GetValue<string>()));
            return doc.GetText("text").ToString() == "probe";
        }
        catch (CrdtFormatException)
        {
            return false;
        }
    }

    public void Dispose() => Host.Dispose();
}
