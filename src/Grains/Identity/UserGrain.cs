using Vibe.Contracts.Identity;

namespace Vibe.Grains.Identity;

[GenerateSerializer, Alias("vibe.user-state")]
public sealed class UserState
{
    [Id(0)] public List<string> Projects { get; set; } = [];
}

/// <summary>A user (Nostr public key) and the projects they are a member of.</summary>
public sealed class UserGrain(
    [PersistentState("user", StreamNames.Storage)] IPersistentState<UserState> state) : Grain, IUserGrain
{
    public Task<IReadOnlyList<string>> GetProjectsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Projects.ToList());

    public async Task AddProjectAsync(string projectId)
    {
        if (state.State.Projects.Contains(projectId))
            return;
        state.State.Projects.Add(projectId);
        await state.WriteStateAsync();
    }

    public async Task RemoveProjectAsync(string projectId)
    {
        if (state.State.Projects.Remove(projectId))
            await state.WriteStateAsync();
    }
}
