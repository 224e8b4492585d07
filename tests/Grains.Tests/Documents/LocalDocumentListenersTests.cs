using Vibe.Contracts.Documents;
using Vibe.Grains.Documents;
using Vibe.Grains.Tests.Clustering;

namespace Vibe.Grains.Tests.Documents;

/// <summary>The registry that lets a grain call a web node in its own process directly.</summary>
public sealed class LocalDocumentListenersTests(VibeClusterFixture fixture) : IClassFixture<VibeClusterFixture>
{
    sealed class Listener : IDocumentListener
    {
        public Task OnFrameAsync(DocumentFrame frame) => Task.CompletedTask;
    }

    [Fact]
    public void A_registered_reference_resolves_to_its_object_and_others_stay_references()
    {
        var client = fixture.Cluster.Client;
        var here = new Listener();
        var hereRef = client.CreateObjectReference<IDocumentListener>(here);
        var elsewhereRef = client.CreateObjectReference<IDocumentListener>(new Listener());
        var local = new LocalDocumentListeners();
        try
        {
            Assert.Same(hereRef, local.Resolve(hereRef));
            local.Add(hereRef, here);
            Assert.Same(here, local.Resolve(hereRef));
            Assert.Same(elsewhereRef, local.Resolve(elsewhereRef));
            // Equal references that arrive as copies (a grain holds a deserialized one) resolve too.
            var copy = client.GetGrain<IDocumentListener>(hereRef.GetGrainId());
            Assert.Same(here, local.Resolve(copy));
            local.Remove(hereRef);
            Assert.Same(hereRef, local.Resolve(hereRef));
        }
        finally
        {
            client.DeleteObjectReference<IDocumentListener>(hereRef);
            client.DeleteObjectReference<IDocumentListener>(elsewhereRef);
        }
    }
}
