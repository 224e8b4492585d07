using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

/// <summary>One node, one signed-in owner and one project for the whole class; each test uses its own paths.</summary>
public sealed class FilesFixture : VibeWebFactory, IAsyncLifetime
{
    public HttpClient Owner { get; private set; } = null!;
    public string ProjectId { get; private set; } = "";

    async Task IAsyncLifetime.InitializeAsync()
    {
        Owner = await SessionClientAsync(NostrEventSigner.Generate());
        ProjectId = (await Owner.CreateProjectAsync("Files", "react")).Id;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

public sealed class FileTests(FilesFixture node) : IClassFixture<FilesFixture>
{
    HttpClient Owner => node.Owner;
    string Files => $"/api/projects/{node.ProjectId}/files";

    static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0x89; // a PNG-like header with a NUL, so it can only be stored as binary
        bytes[1] = 0;
        return bytes;
    }

    [Theory]
    [InlineData("/styles/site.css", "text/css")]
    [InlineData("/src/Widget.tsx", "text/plain")]
    [InlineData("/src/util.ts", "text/plain")]
    [InlineData("/page.html", "text/html")]
    [InlineData("/data.json", "application/json")]
    [InlineData("/notes.md", "text/markdown")]
    public async Task Text_file_reads_back_byte_for_byte_with_its_content_type(string path, string mediaType)
    {
        // A BOM, CRLF, a tab and non-ASCII characters must all survive the trip through a document.
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("line one\r\n\tzwei — drei ✓ 😀\nend")).ToArray();
        var unique = path.Replace(".", $"-{Guid.NewGuid():N}.");
        await Owner.PutFileAsync(node.ProjectId, unique, bytes);

        using var response = await Owner.GetAsync(Files + unique);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/assets/logo.png", "image/png")]
    [InlineData("/assets/blob.bin", "application/octet-stream")]
    [InlineData("/assets/no-extension", "application/octet-stream")]
    [InlineData("/assets/looks-like-text.txt", "text/plain")]
    public async Task Binary_file_reads_back_byte_for_byte_with_its_content_type(string path, string mediaType)
    {
        var bytes = RandomBytes(200_000, path.Length);
        await Owner.PutFileAsync(node.ProjectId, path, bytes);

        using var response = await Owner.GetAsync(Files + path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Empty_file_is_a_file()
    {
        await Owner.PutFileAsync(node.ProjectId, "/empty/.gitkeep", []);
        Assert.Empty(await Owner.GetFileAsync(node.ProjectId, "/empty/.gitkeep"));
        var entry = Assert.Single(await Owner.TreeAsync(node.ProjectId, "/empty"), e => e.Path == "/empty/.gitkeep");
        Assert.Equal(("file", 0L), (entry.Kind, entry.Size));
    }

    [Fact]
    public async Task Put_creates_with_201_and_replaces_with_200()
    {
        var path = $"/put/{Guid.NewGuid():N}.txt";
        using var created = await Owner.PutAsync(Files + path, new ByteArrayContent("one"u8.ToArray()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(Files + path, created.Headers.Location?.OriginalString);
        var entry = await created.Content.ReadFromJsonAsync<TreeEntryBody>();
        Assert.Equal((path, "file", 3L), (entry!.Path, entry.Kind, entry.Size));

        using var replaced = await Owner.PutAsync(Files + path, new ByteArrayContent("second"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("second", Encoding.UTF8.GetString(await Owner.GetFileAsync(node.ProjectId, path)));
    }

    [Fact]
    public async Task File_can_turn_from_text_to_binary_and_back()
    {
        var path = $"/switch/{Guid.NewGuid():N}.dat";
        await Owner.PutFileAsync(node.ProjectId, path, "text first"u8.ToArray());
        var binary = RandomBytes(1000, 7);
        await Owner.PutFileAsync(node.ProjectId, path, binary);
        Assert.Equal(binary, await Owner.GetFileAsync(node.ProjectId, path));
        await Owner.PutFileAsync(node.ProjectId, path, "text again"u8.ToArray());
        Assert.Equal("text again"u8.ToArray(), await Owner.GetFileAsync(node.ProjectId, path));
    }

    [Fact]
    public async Task Tree_lists_workspace_relative_paths_with_kind_size_and_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await Owner.PutFileAsync(node.ProjectId, "/tree/src/App.tsx", "export default 1;\n"u8.ToArray());
        await Owner.PutFileAsync(node.ProjectId, "/tree/README.md", "# hi\n"u8.ToArray());

        using var response = await Owner.GetAsync($"/api/projects/{node.ProjectId}/tree?path=/tree");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
        var first = json.RootElement[0];
        Assert.Equal(["path", "kind", "size", "modified"], first.EnumerateObject().Select(p => p.Name).ToArray());

        var entries = await Owner.TreeAsync(node.ProjectId, "/tree");
        Assert.Equal(["/tree/README.md", "/tree/src", "/tree/src/App.tsx"], entries.Select(e => e.Path).Order(StringComparer.Ordinal).ToArray());
        var app = entries.Single(e => e.Path == "/tree/src/App.tsx");
        Assert.Equal(("file", 18L), (app.Kind, app.Size));
        Assert.InRange(app.Modified, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal("dir", entries.Single(e => e.Path == "/tree/src").Kind);

        // The whole workspace starts with the template's files, below "/" and never under "/workspace".
        var all = await Owner.TreeAsync(node.ProjectId);
        Assert.Contains(all, e => e.Path == "/tree/src/App.tsx");
        Assert.Contains(all, e => e.Path == "/package.json");
        Assert.All(all, e => Assert.False(e.Path.StartsWith("/workspace", StringComparison.Ordinal), e.Path));
    }

    [Fact]
    public async Task Concurrent_writes_to_one_project_are_all_kept()
    {
        var files = Enumerable.Range(0, 20).ToDictionary(i => $"/concurrent/f{i}.txt", i => Encoding.UTF8.GetBytes($"file {i}\n"));
        var responses = await Task.WhenAll(files.Select(f => Owner.PutAsync(Files + f.Key, new ByteArrayContent(f.Value))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var tree = await Owner.TreeAsync(node.ProjectId, "/concurrent");
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), tree.Select(e => e.Path).Order(StringComparer.Ordinal));
        foreach (var (path, bytes) in files)
            Assert.Equal(bytes, await Owner.GetFileAsync(node.ProjectId, path));
    }

    [Fact]
    public async Task Tree_of_a_missing_directory_is_404()
    {
        using var response = await Owner.GetAsync($"/api/projects/{node.ProjectId}/tree?path=/no/such/dir");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
    }

    [Fact]
    public async Task Moving_a_file_keeps_its_bytes_at_the_new_path()
    {
        var bytes = "moving text\n"u8.ToArray();
        await Owner.PutFileAsync(node.ProjectId, "/mv/one.txt", bytes);
        using var moved = await Owner.PostAsJsonAsync(Files + ":move", new { from = "/mv/one.txt", to = "/mv/sub/two.txt" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var entry = await moved.Content.ReadFromJsonAsync<TreeEntryBody>();
        Assert.Equal("/mv/sub/two.txt", entry!.Path);

        Assert.Equal(bytes, await Owner.GetFileAsync(node.ProjectId, "/mv/sub/two.txt"));
        using var old = await Owner.GetAsync(Files + "/mv/one.txt");
        await old.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
    }

    [Fact]
    public async Task Moving_a_directory_moves_everything_below_it()
    {
        var binary = RandomBytes(5000, 3);
        await Owner.PutFileAsync(node.ProjectId, "/mvdir/a/x.ts", "let x = 1;"u8.ToArray());
        await Owner.PutFileAsync(node.ProjectId, "/mvdir/a/deep/y.png", binary);
        using var moved = await Owner.PostAsJsonAsync(Files + ":move", new { from = "mvdir/a", to = "/mvdir/b" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        Assert.Equal("let x = 1;"u8.ToArray(), await Owner.GetFileAsync(node.ProjectId, "/mvdir/b/x.ts"));
        Assert.Equal(binary, await Owner.GetFileAsync(node.ProjectId, "/mvdir/b/deep/y.png"));
        var tree = await Owner.TreeAsync(node.ProjectId, "/mvdir");
        Assert.Equal(["/mvdir/b", "/mvdir/b/deep", "/mvdir/b/deep/y.png", "/mvdir/b/x.ts"], tree.Select(e => e.Path).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Moving_onto_an_existing_path_is_a_conflict()
    {
        await Owner.PutFileAsync(node.ProjectId, "/clash/a.txt", "a"u8.ToArray());
        await Owner.PutFileAsync(node.ProjectId, "/clash/b.txt", "b"u8.ToArray());
        using var response = await Owner.PostAsJsonAsync(Files + ":move", new { from = "/clash/a.txt", to = "/clash/b.txt" });
        await response.AssertProblemAsync(HttpStatusCode.Conflict, "path.exists");
        Assert.Equal("b"u8.ToArray(), await Owner.GetFileAsync(node.ProjectId, "/clash/b.txt"));
    }

    [Fact]
    public async Task Moving_a_missing_file_is_404()
    {
        using var response = await Owner.PostAsJsonAsync(Files + ":move", new { from = "/nothing-here.txt", to = "/b.txt" });
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
    }

    [Fact]
    public async Task Deleted_file_is_gone()
    {
        await Owner.PutFileAsync(node.ProjectId, "/del/gone.txt", "bye"u8.ToArray());
        using var deleted = await Owner.DeleteAsync(Files + "/del/gone.txt");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var read = await Owner.GetAsync(Files + "/del/gone.txt");
        await read.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
        using var again = await Owner.DeleteAsync(Files + "/del/gone.txt");
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
        Assert.DoesNotContain(await Owner.TreeAsync(node.ProjectId, "/del"), e => e.Path == "/del/gone.txt");
    }

    [Fact]
    public async Task Deleting_a_directory_removes_its_files()
    {
        await Owner.PutFileAsync(node.ProjectId, "/deldir/a/one.txt", "1"u8.ToArray());
        await Owner.PutFileAsync(node.ProjectId, "/deldir/a/two.png", RandomBytes(100, 1));
        using var deleted = await Owner.DeleteAsync(Files + "/deldir/a");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var read = await Owner.GetAsync(Files + "/deldir/a/one.txt");
        await read.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
    }

    [Fact]
    public async Task Missing_file_is_404_with_code()
    {
        using var response = await Owner.GetAsync(Files + "/does/not/exist.txt");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
    }

    [Fact]
    public async Task Reading_a_directory_as_a_file_is_400()
    {
        await Owner.PutFileAsync(node.ProjectId, "/isdir/f.txt", "f"u8.ToArray());
        using var response = await Owner.GetAsync(Files + "/isdir");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "path.is_directory");
    }

    public static TheoryData<string, string> BadFilePaths => new()
    {
        { "/" + string.Join('/', Enumerable.Repeat(new string('a', 200), 6)), "path.invalid" },
        { "/" + new string('n', 300), "path.invalid" },
        { "/", "path.invalid" },
        { "", "path.invalid" },
        { "/a//b.txt", "path.invalid" },
        { "/a/%5C..%5Cb.txt", "path.outside_workspace" },
        { "/a/b%5Cc.txt", "path.invalid" },
        { "/a/%01ctl.txt", "path.invalid" },
    };

    [Theory]
    [MemberData(nameof(BadFilePaths))]
    public async Task Bad_paths_are_refused_on_every_file_verb(string path, string code)
    {
        using (var get = await Owner.GetAsync(Files + path))
            await get.AssertProblemAsync(HttpStatusCode.BadRequest, code);
        using (var put = await Owner.PutAsync(Files + path, new ByteArrayContent("x"u8.ToArray())))
            await put.AssertProblemAsync(HttpStatusCode.BadRequest, code);
        using (var delete = await Owner.DeleteAsync(Files + path))
            await delete.AssertProblemAsync(HttpStatusCode.BadRequest, code);
    }

    /// <summary>
    /// HttpClient and Kestrel resolve dot segments (raw or <c>%2e%2e</c>) before routing, so on the wire a
    /// traversal names another URL (the process tests check that). Here the request path is set decoded,
    /// dots and all, as a host that passed them through would: the endpoint itself must still refuse them.
    /// </summary>
    [Theory]
    [InlineData("GET", "/../../etc/passwd")]
    [InlineData("PUT", "/src/../../../secret")]
    [InlineData("DELETE", "/../x")]
    [InlineData("GET", "/a/..")]
    public async Task Dot_segments_that_reach_the_endpoint_are_refused(string method, string path)
    {
        var token = Owner.DefaultRequestHeaders.Authorization!.ToString();
        var context = await node.Server.SendAsync(http =>
        {
            http.Request.Method = method;
            http.Request.Path = Files + path;
            http.Request.Headers.Authorization = token;
            if (method == "PUT")
                http.Request.Body = new MemoryStream("x"u8.ToArray());
        });
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.True(context.Response.StatusCode == 400, $"{method} {path}: {context.Response.StatusCode} {body}");
        Assert.Equal("path.outside_workspace", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    public static TheoryData<string?, string?, string> BadMoves => new()
    {
        { "../outside.txt", "/in.txt", "path.outside_workspace" },
        { "/in.txt", "/../../etc/passwd", "path.outside_workspace" },
        { "/in.txt", "src/../../x", "path.outside_workspace" },
        { "/in.txt", "/nul\0.txt", "path.invalid" },
        { "/in.txt", "/" + new string('x', 1100), "path.invalid" },
        { null, "/b.txt", "path.invalid" },
        { "/in.txt", "", "path.invalid" },
        { "/", "/elsewhere", "path.invalid" },
    };

    [Theory]
    [MemberData(nameof(BadMoves))]
    public async Task Bad_move_paths_are_refused(string? from, string? to, string code)
    {
        using var response = await Owner.PostAsJsonAsync(Files + ":move", new { from, to });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, code);
    }

    [Theory]
    [InlineData("..", "path.outside_workspace")]
    [InlineData("/../..", "path.outside_workspace")]
    [InlineData("/a%00b", "path.invalid")]
    public async Task Bad_tree_paths_are_refused(string query, string code)
    {
        using var response = await Owner.GetAsync($"/api/projects/{node.ProjectId}/tree?path={query}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task File_at_the_size_limit_is_accepted_and_one_byte_more_is_413()
    {
        var atLimit = RandomBytes((int)VibeWebFactory.MaxFileBytes, 11);
        using var ok = await Owner.PutAsync(Files + "/big/at-limit.bin", new ByteArrayContent(atLimit));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(atLimit, await Owner.GetFileAsync(node.ProjectId, "/big/at-limit.bin"));

        using var over = await Owner.PutAsync(Files + "/big/over.bin", new ByteArrayContent(RandomBytes((int)VibeWebFactory.MaxFileBytes + 1, 12)));
        await over.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "file.too_large");
        using var absent = await Owner.GetAsync(Files + "/big/over.bin");
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task Oversized_body_without_a_declared_length_is_413()
    {
        var content = new StreamContent(new MemoryStream(RandomBytes((int)VibeWebFactory.MaxFileBytes + 10, 13)));
        using var request = new HttpRequestMessage(HttpMethod.Put, Files + "/big/chunked.bin") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var over = await Owner.SendAsync(request);
        await over.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "file.too_large");
    }

    [Fact]
    public async Task Oversized_signed_upload_is_413()
    {
        var (signed, _) = node.ClientFor(NostrEventSigner.Generate());
        var project = await signed.CreateProjectAsync("Signed upload");
        using var over = await signed.PutAsync($"/api/projects/{project.Id}/files/over.bin", new ByteArrayContent(RandomBytes((int)VibeWebFactory.MaxFileBytes + 1, 14)));
        await over.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "file.too_large");
    }

    public static TheoryData<string, string, string> MalformedBodies => new()
    {
        { "POST", "/api/projects", "{not json" },
        { "POST", "/api/projects", "" },
        { "POST", "/api/projects", "[1,2]" },
        { "POST", "/api/projects", "{\"name\": 5}" },
        { "PATCH", "/api/projects/{id}", "{\"archived\": \"maybe\"}" },
        { "POST", "/api/projects/{id}/files:move", "{\"from\":" },
        { "PUT", "/api/projects/{id}/members/" + new string('a', 64), "nope" },
        { "GET", "/api/projects/{id}/activity?limit=lots", "" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_json_is_400_problem_details(string method, string url, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{id}", node.ProjectId))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        using var response = await Owner.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData("no-such-template", "Fine name", "project.template_unknown")]
    [InlineData("blank", "", "project.name_invalid")]
    [InlineData("blank", "   ", "project.name_invalid")]
    [InlineData("blank", "bell\u0007", "project.name_invalid")]
    public async Task Invalid_new_project_is_400(string template, string name, string code)
    {
        using var response = await Owner.PostAsJsonAsync("/api/projects", new { name, template });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Overlong_project_name_is_400()
    {
        using var response = await Owner.PostAsJsonAsync("/api/projects", new { name = new string('p', 101), template = "blank" });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "project.name_invalid");
    }

    [Fact]
    public async Task New_project_has_the_template_files_and_the_caller_as_admin()
    {
        using var response = await Owner.PostAsJsonAsync("/api/projects", new { name = "From blank", template = "blank" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var project = (await response.Content.ReadFromJsonAsync<ProjectBody>())!;
        Assert.Equal($"/api/projects/{project.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("From blank", "blank", "admin"), (project.Name, project.Template, project.Role));
        Assert.Equal(project.Owner, Assert.Single(project.Members).Pubkey);
        var tree = await Owner.TreeAsync(project.Id);
        Assert.Contains(tree, e => e.Path == "/README.md" && e.Kind == "file" && e.Size > 0);
        Assert.Contains(tree, e => e.Path == "/index.html");

        var activity = await Owner.GetFromJsonAsync<JsonElement>($"/api/projects/{project.Id}/activity");
        Assert.Equal(JsonValueKind.Array, activity.ValueKind);
        Assert.True(activity.GetArrayLength() >= 1);
    }

    [Fact]
    public async Task Member_changes_are_validated()
    {
        var project = await Owner.CreateProjectAsync("Members");
        var members = $"/api/projects/{project.Id}/members";
        using (var role = await Owner.PutAsJsonAsync($"{members}/{new string('b', 64)}", new { role = "owner" }))
            await role.AssertProblemAsync(HttpStatusCode.BadRequest, "member.role_invalid");
        using (var pubkey = await Owner.PutAsJsonAsync($"{members}/NOT-A-KEY", new { role = "viewer" }))
            await pubkey.AssertProblemAsync(HttpStatusCode.BadRequest, "member.pubkey_invalid");
        using (var last = await Owner.DeleteAsync($"{members}/{project.Owner}"))
            await last.AssertProblemAsync(HttpStatusCode.Conflict, "member.last_admin");
        using (var demote = await Owner.PutAsJsonAsync($"{members}/{project.Owner}", new { role = "editor" }))
            await demote.AssertProblemAsync(HttpStatusCode.Conflict, "member.last_admin");
        using (var missing = await Owner.DeleteAsync($"{members}/{new string('c', 64)}"))
            await missing.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        var added = NostrEventSigner.Generate().PublicKeyHex;
        await Owner.SetMemberAsync(project.Id, added, "editor");
        var view = await Owner.GetFromJsonAsync<ProjectBody>($"/api/projects/{project.Id}");
        Assert.Contains(view!.Members, m => m.Pubkey == added && m.Role == "editor");
        using (var removed = await Owner.DeleteAsync($"{members}/{added}"))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        view = await Owner.GetFromJsonAsync<ProjectBody>($"/api/projects/{project.Id}");
        Assert.DoesNotContain(view!.Members, m => m.Pubkey == added);
    }

    [Fact]
    public async Task Archived_project_allows_reads_and_refuses_writes()
    {
        var project = await Owner.CreateProjectAsync("Archive me");
        var files = $"/api/projects/{project.Id}/files";
        await Owner.PutFileAsync(project.Id, "/keep.txt", "kept"u8.ToArray());

        using (var archive = await Owner.PatchAsJsonAsync($"/api/projects/{project.Id}", new { archived = true }))
        {
            Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
            Assert.True((await archive.Content.ReadFromJsonAsync<ProjectBody>())!.Archived);
        }

        using (var put = await Owner.PutAsync(files + "/keep.txt", new ByteArrayContent("changed"u8.ToArray())))
            await put.AssertProblemAsync(HttpStatusCode.Conflict, "project.archived");
        using (var delete = await Owner.DeleteAsync(files + "/keep.txt"))
            await delete.AssertProblemAsync(HttpStatusCode.Conflict, "project.archived");
        using (var move = await Owner.PostAsJsonAsync(files + ":move", new { from = "/keep.txt", to = "/moved.txt" }))
            await move.AssertProblemAsync(HttpStatusCode.Conflict, "project.archived");
        using (var member = await Owner.PutAsJsonAsync($"/api/projects/{project.Id}/members/{new string('d', 64)}", new { role = "viewer" }))
            await member.AssertProblemAsync(HttpStatusCode.Conflict, "project.archived");

        Assert.Equal("kept"u8.ToArray(), await Owner.GetFileAsync(project.Id, "/keep.txt"));
        Assert.Contains(await Owner.TreeAsync(project.Id), e => e.Path == "/keep.txt");

        using (var unarchive = await Owner.PatchAsJsonAsync($"/api/projects/{project.Id}", new { archived = false }))
            Assert.Equal(HttpStatusCode.OK, unarchive.StatusCode);
        await Owner.PutFileAsync(project.Id, "/keep.txt", "changed"u8.ToArray());
    }

    [Fact]
    public async Task Renamed_project_keeps_its_id_and_files()
    {
        var project = await Owner.CreateProjectAsync("Old name");
        var renamed = await (await Owner.PatchAsJsonAsync($"/api/projects/{project.Id}", new { name = "New name" })).Content.ReadFromJsonAsync<ProjectBody>();
        Assert.Equal((project.Id, "New name"), (renamed!.Id, renamed.Name));
        using var bad = await Owner.PatchAsJsonAsync($"/api/projects/{project.Id}", new { name = "" });
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "project.name_invalid");
    }

    [Fact]
    public async Task Deleted_project_is_gone_for_everyone()
    {
        var project = await Owner.CreateProjectAsync("Short lived");
        await Owner.PutFileAsync(project.Id, "/x.txt", "x"u8.ToArray());
        using (var deleted = await Owner.DeleteAsync($"/api/projects/{project.Id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using (var get = await Owner.GetAsync($"/api/projects/{project.Id}"))
            await get.AssertProblemAsync(HttpStatusCode.NotFound, "project.not_found");
        using (var file = await Owner.GetAsync($"/api/projects/{project.Id}/files/x.txt"))
            await file.AssertProblemAsync(HttpStatusCode.NotFound, "project.not_found");
        var list = await Owner.GetFromJsonAsync<List<ProjectBody>>("/api/projects");
        Assert.DoesNotContain(list!, p => p.Id == project.Id);
    }

    [Theory]
    [InlineData("UPPER-CASE")]
    [InlineData("has%20space")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Malformed_project_id_is_404(string id)
    {
        using var response = await Owner.GetAsync($"/api/projects/{id}/tree");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "project.not_found");
    }
}
