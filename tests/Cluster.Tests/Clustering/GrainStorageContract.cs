using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using Vibe.Cluster.Tests.Grains;

namespace Vibe.Cluster.Tests.Clustering;

/// <summary>
/// Drives Orleans' own ADO.NET grain storage (resolved from a running silo) through the ETag rules the
/// SQL scripts must keep, so a script that accepts a stale write fails here rather than in production.
/// </summary>
internal static class GrainStorageContract
{
    public const string DeleteOnClearStorageName = "vibe-delete-on-clear";

    private const string GrainType = "Vibe.Cluster.Tests.Grains.NoteGrain";

    public static IGrainStorage StorageOf(TestCluster cluster, string name) =>
        ((InProcessSiloHandle)cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(name);

    public static async Task StaleWritesAreRejected(IGrainStorage storage, string key)
    {
        var grainId = GrainId.Create("note", key);
        var first = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync(GrainType, grainId, first);
        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);

        first.State!.Lines.Add("one");
        await storage.WriteStateAsync(GrainType, grainId, first);
        Assert.Equal("1", first.ETag);

        // A second writer that never saw the record must not overwrite it.
        var unaware = new GrainState<NoteState>(new NoteState { Lines = ["other"] });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, unaware));

        var second = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync(GrainType, grainId, second);
        Assert.Equal(["one"], second.State!.Lines);
        second.State!.Lines.Add("two");
        await storage.WriteStateAsync(GrainType, grainId, second);
        Assert.Equal("2", second.ETag);

        // The first writer's ETag is now stale.
        first.State!.Lines.Add("late");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(GrainType, grainId, first));

        await storage.ClearStateAsync(GrainType, grainId, second);
        var afterClear = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync(GrainType, grainId, afterClear);
        Assert.False(afterClear.RecordExists);
        Assert.Empty(afterClear.State!.Lines);

        // Writing after a clear continues from the cleared version.
        afterClear.State!.Lines.Add("again");
        await storage.WriteStateAsync(GrainType, grainId, afterClear);
        var reread = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync(GrainType, grainId, reread);
        Assert.Equal(["again"], reread.State!.Lines);
        Assert.Equal(afterClear.ETag, reread.ETag);
    }

    public static async Task DeleteOnClearRemovesTheRecord(IGrainStorage storage, string key)
    {
        var grainId = GrainId.Create("note", key);
        var state = new GrainState<NoteState>(new NoteState { Lines = ["doomed"] });
        await storage.WriteStateAsync(GrainType, grainId, state);
        var stale = new GrainState<NoteState>(new NoteState()) { ETag = state.ETag, RecordExists = true };
        await storage.WriteStateAsync(GrainType, grainId, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(GrainType, grainId, stale));
        await storage.ClearStateAsync(GrainType, grainId, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);

        // With the record gone a fresh writer starts again at version 1.
        var fresh = new GrainState<NoteState>(new NoteState());
        await storage.ReadStateAsync(GrainType, grainId, fresh);
        Assert.False(fresh.RecordExists);
        Assert.Null(fresh.ETag);
        fresh.State!.Lines.Add("reborn");
        await storage.WriteStateAsync(GrainType, grainId, fresh);
        Assert.Equal("1", fresh.ETag);
    }
}
