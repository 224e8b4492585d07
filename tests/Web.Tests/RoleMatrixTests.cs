using System.Net;
using System.Net.Http.Json;
using System.Text;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

public enum Caller { Anonymous, NonMember, Viewer, Editor, Admin }

/// <summary>
/// One node and one shared project whose members hold each role. Calls that destroy what they touch
/// (delete a file, a member, the project) get fresh targets made by the owner first.
/// </summary>
public sealed class RoleMatrixFixture : VibeWebFactory, IAsyncLifetime
{
    readonly NostrEventSigner _owner = NostrEventSigner.Generate();
    readonly Dictionary<Caller, NostrEventSigner> _users = new()
    {
        [Caller.NonMember] = NostrEventSigner.Generate(),
        [Caller.Viewer] = NostrEventSigner.Generate(),
        [Caller.Editor] = NostrEventSigner.Generate(),
        // A second admin, not the owner: admin rights must come from the role, not from having created the project.
        [Caller.Admin] = NostrEventSigner.Generate(),
    };
    readonly Dictionary<Caller, HttpClient> _clients = [];

    public HttpClient Owner { get; private set; } = null!;
    public string ProjectId { get; private set; } = "";

    public HttpClient ClientOf(Caller caller) => _clients[caller];

    async Task IAsyncLifetime.InitializeAsync()
    {
        Owner = await SessionClientAsync(_owner);
        _clients[Caller.Anonymous] = AnonymousClient();
        foreach (var (caller, user) in _users)
            _clients[caller] = await SessionClientAsync(user);
        ProjectId = await NewProjectWithMembersAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public async Task<string> NewProjectWithMembersAsync()
    {
        var project = await Owner.CreateProjectAsync("Role matrix");
        await Owner.SetMemberAsync(project.Id, _users[Caller.Viewer].PublicKeyHex, "viewer");
        await Owner.SetMemberAsync(project.Id, _users[Caller.Editor].PublicKeyHex, "editor");
        await Owner.SetMemberAsync(project.Id, _users[Caller.Admin].PublicKeyHex, "admin");
        return project.Id;
    }

    /// <summary>A file only this test case uses, written by the owner.</summary>
    public async Task<string> NewFileAsync()
    {
        var path = $"/cases/{Guid.NewGuid():N}.txt";
        await Owner.PutFileAsync(ProjectId, path, Encoding.UTF8.GetBytes("case file\n"));
        return path;
    }

    public async Task<string> NewMemberAsync()
    {
        var pubkey = NostrEventSigner.Generate().PublicKeyHex;
        await Owner.SetMemberAsync(ProjectId, pubkey, "viewer");
        return pubkey;
    }
}

public sealed class RoleMatrixTests(RoleMatrixFixture node) : IClassFixture<RoleMatrixFixture>
{
    /// <summary>What each caller gets from each call: the authorization contract of the REST API.</summary>
    static readonly (string Call, int Anonymous, int NonMember, int Viewer, int Editor, int Admin)[] Expected =
    [
        //  call                    anonymous  non-member  viewer  editor  admin
        ("GET projects",                  401,        200,    200,    200,   200),
        ("GET project",                   401,        403,    200,    200,   200),
        ("GET missing project",           401,        404,    404,    404,   404),
        ("GET activity",                  401,        403,    200,    200,   200),
        ("GET tree",                      401,        403,    200,    200,   200),
        ("GET file",                      401,        403,    200,    200,   200),
        ("PUT new file",                  401,        403,    403,    201,   201),
        ("PUT existing file",             401,        403,    403,    200,   200),
        ("DELETE file",                   401,        403,    403,    204,   204),
        ("POST files:move",               401,        403,    403,    200,   200),
        ("POST dirs",                     401,        403,    403,    200,   200),
        ("PATCH project",                 401,        403,    403,    403,   200),
        ("PUT member",                    401,        403,    403,    403,   200),
        ("DELETE member",                 401,        403,    403,    403,   204),
        ("DELETE project",                401,        403,    403,    403,   204),
    ];

    public static TheoryData<string, Caller, int> Cases()
    {
        var data = new TheoryData<string, Caller, int>();
        foreach (var row in Expected)
        {
            data.Add(row.Call, Caller.Anonymous, row.Anonymous);
            data.Add(row.Call, Caller.NonMember, row.NonMember);
            data.Add(row.Call, Caller.Viewer, row.Viewer);
            data.Add(row.Call, Caller.Editor, row.Editor);
            data.Add(row.Call, Caller.Admin, row.Admin);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Caller_gets_the_status_its_role_allows(string call, Caller caller, int status)
    {
        using var request = await RequestAsync(call);
        using var response = await node.ClientOf(caller).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{caller} {call}: expected {status}, got {(int)response.StatusCode} {body}");
        if (status is 401 or 403 or 404)
        {
            await response.AssertProblemAsync((HttpStatusCode)status, status switch
            {
                401 => "auth.required",
                403 => "auth.forbidden",
                _ => "project.not_found",
            });
        }
    }

    [Fact]
    public async Task Refused_writes_change_nothing()
    {
        var path = await node.NewFileAsync();
        var viewer = node.ClientOf(Caller.Viewer);
        using var put = await viewer.PutAsync($"/api/projects/{node.ProjectId}/files{path}", new ByteArrayContent("hacked"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        using var delete = await viewer.DeleteAsync($"/api/projects/{node.ProjectId}/files{path}");
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        using var rename = await node.ClientOf(Caller.Editor).PatchAsJsonAsync($"/api/projects/{node.ProjectId}", new { name = "Taken over" });
        Assert.Equal(HttpStatusCode.Forbidden, rename.StatusCode);

        Assert.Equal("case file\n", Encoding.UTF8.GetString(await node.Owner.GetFileAsync(node.ProjectId, path)));
        var project = await node.Owner.GetFromJsonAsync<ProjectBody>($"/api/projects/{node.ProjectId}");
        Assert.Equal("Role matrix", project!.Name);
    }

    [Fact]
    public async Task Members_see_their_role_and_the_project_in_their_list()
    {
        foreach (var (caller, role) in new[] { (Caller.Viewer, "viewer"), (Caller.Editor, "editor"), (Caller.Admin, "admin") })
        {
            var client = node.ClientOf(caller);
            var project = await client.GetFromJsonAsync<ProjectBody>($"/api/projects/{node.ProjectId}");
            Assert.Equal(role, project!.Role);
            var list = await client.GetFromJsonAsync<List<ProjectBody>>("/api/projects");
            Assert.Contains(list!, p => p.Id == node.ProjectId);
        }
        var strangers = await node.ClientOf(Caller.NonMember).GetFromJsonAsync<List<ProjectBody>>("/api/projects");
        Assert.DoesNotContain(strangers!, p => p.Id == node.ProjectId);
    }

    async Task<HttpRequestMessage> RequestAsync(string call)
    {
        var project = $"/api/projects/{node.ProjectId}";
        switch (call)
        {
            case "GET projects": return new(HttpMethod.Get, "/api/projects");
            case "GET project": return new(HttpMethod.Get, project);
            case "GET missing project": return new(HttpMethod.Get, "/api/projects/no-such-project-x1");
            case "GET activity": return new(HttpMethod.Get, $"{project}/activity");
            case "GET tree": return new(HttpMethod.Get, $"{project}/tree?path=/");
            case "GET file": return new(HttpMethod.Get, $"{project}/files/README.md");
            case "PUT new file":
                return new(HttpMethod.Put, $"{project}/files/new/{Guid.NewGuid():N}.txt") { Content = new ByteArrayContent("new\n"u8.ToArray()) };
            case "PUT existing file":
                return new(HttpMethod.Put, $"{project}/files{await node.NewFileAsync()}") { Content = new ByteArrayContent("changed\n"u8.ToArray()) };
            case "DELETE file": return new(HttpMethod.Delete, $"{project}/files{await node.NewFileAsync()}");
            case "POST files:move":
                return new(HttpMethod.Post, $"{project}/files:move")
                {
                    Content = JsonContent.Create(new { from = await node.NewFileAsync(), to = $"/moved/{Guid.NewGuid():N}.txt" }),
                };
            case "POST dirs": return new(HttpMethod.Post, $"{project}/dirs/made/{Guid.NewGuid():N}");
            case "PATCH project": return new(HttpMethod.Patch, project) { Content = JsonContent.Create(new { name = "Role matrix" }) };
            case "PUT member":
                return new(HttpMethod.Put, $"{project}/members/{NostrEventSigner.Generate().PublicKeyHex}") { Content = JsonContent.Create(new { role = "viewer" }) };
            case "DELETE member": return new(HttpMethod.Delete, $"{project}/members/{await node.NewMemberAsync()}");
            case "DELETE project": return new(HttpMethod.Delete, $"/api/projects/{await node.NewProjectWithMembersAsync()}");
            default: throw new ArgumentOutOfRangeException(nameof(call), call, "no such call in the matrix");
        }
    }
}
