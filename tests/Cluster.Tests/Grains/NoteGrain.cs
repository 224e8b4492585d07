using Orleans;
using Orleans.Runtime;

namespace Vibe.Cluster.Tests.Grains;

[GenerateSerializer, Alias("Vibe.Cluster.Tests.NoteState")]
public sealed class NoteState
{
    [Id(0)] public List<string> Lines { get; set; } = [];
}

/// <summary>A small grain whose only job is to exercise grain storage and reminders through Orleans.</summary>
[Alias("Vibe.Cluster.Tests.INoteGrain")]
public interface INoteGrain : IGrainWithStringKey
{
    [Alias("Append")] Task<int> Append(string line);

    [Alias("Lines")] Task<IReadOnlyList<string>> Lines();

    [Alias("Clear")] Task Clear();

    /// <summary>Identifies this activation, so a test can see that a deactivation really happened.</summary>
    [Alias("ActivationTag")] Task<Guid> ActivationTag();

    [Alias("Deactivate")] Task Deactivate();

    [Alias("RemindLater")] Task RemindLater(string reminderName);
}

public sealed class NoteGrain([PersistentState("notes", NoteGrain.StorageName)] IPersistentState<NoteState> notes)
    : Grain, INoteGrain, IRemindable
{
    public const string StorageName = "vibe";

    private readonly Guid _activationTag = Guid.NewGuid();

    public async Task<int> Append(string line)
    {
        notes.State.Lines.Add(line);
        await notes.WriteStateAsync();
        return notes.State.Lines.Count;
    }

    public Task<IReadOnlyList<string>> Lines() => Task.FromResult<IReadOnlyList<string>>(notes.State.Lines.ToArray());

    public Task Clear() => notes.ClearStateAsync();

    public Task<Guid> ActivationTag() => Task.FromResult(_activationTag);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    // Far in the future: the test checks the reminder is stored, not that it fires.
    public Task RemindLater(string reminderName) =>
        this.RegisterOrUpdateReminder(reminderName, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
