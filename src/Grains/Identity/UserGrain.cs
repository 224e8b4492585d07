using Vibe.Contracts.Identity;

namespace Vibe.Grains.Identity;

[GenerateSerializer, Alias("vibe.user-state")]
public sealed class UserState
{
    [Id(0)] public List<string> Projects { get; set; } = [];
    [Id(1)] public string? Name { get; set; }
    [Id(2)] public string? Color { get; set; }
}

/// <summary>A user (Nostr public key): the projects they are a member of and the profile collaborators see.</summary>
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

    public Task<UserProfile> GetProfileAsync() => Task.FromResult(new UserProfile(state.State.Name, state.State.Color));

    public async Task<UserProfile> SetProfileAsync(UserProfile profile)
    {
        var valid = (profile ?? throw new VibeException(VibeErrorCodes.Validation, "A profile is required.")).Validated();
        state.State.Name = valid.Name;
        state.State.Color = valid.Color;
        await state.WriteStateAsync();
        return valid;
    }
}
