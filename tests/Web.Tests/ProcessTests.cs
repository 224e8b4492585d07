using System.Net;
using System.Net.Http.Json;
using System.Text;
using Vibe.Grains.Identity;

namespace Vibe.Web.Tests;

/// <summary>
/// Embedded mode in a real process: what a node acknowledged must be there after it restarts on the same
/// data directory, whether it was stopped politely (SIGTERM) or killed outright (SIGKILL).
/// </summary>
public sealed class ProcessTests : IDisposable
{
    readonly string _dataDir = Path.Combine(Path.GetTempPath(), "vibe-proc-" + Guid.NewGuid().ToString("N")[..10]);
    readonly NostrEventSigner _owner = NostrEventSigner.Generate();
    readonly NostrEventSigner _editor = NostrEventSigner.Generate();

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Twenty files: text of several kinds (documents) and binary (blobs), some nested, one at the top.</summary>
    static Dictionary<string, byte[]> Workload(int seed)
    {
        var random = new Random(seed);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < 12; i++)
        {
            var text = $"// file {i} of seed {seed}\r\nexport const value{i} = \"{new string('x', random.Next(0, 4000))}\";\n// üñí ✓ 😀 \t end\n";
            files[i % 3 == 0 ? $"/src/components/Part{i}.tsx" : $"/src/lib/mod{i}.ts"] = Encoding.UTF8.GetBytes(text);
        }
        for (var i = 0; i < 7; i++)
        {
            var bytes = new byte[random.Next(1, 200_000)];
            random.NextBytes(bytes);
            files[$"/assets/img{i}.png"] = bytes;
        }
        files["/notes.md"] = Encoding.UTF8.GetBytes($"# Notes {seed}\n\nplain text at the top\n");
        return files;
    }

    async Task<string> CreateProjectWithFilesAsync(VibeProcess node, HttpClient owner, Dictionary<string, byte[]> files)
    {
        var project = await owner.CreateProjectAsync("Durable", "react");
        await owner.SetMemberAsync(project.Id, _editor.PublicKeyHex, "editor");
        foreach (var (path, bytes) in files)
            await owner.PutFileAsync(project.Id, path, bytes);
        return project.Id;
    }

    async Task AssertProjectIntactAsync(VibeProcess node, string projectId, Dictionary<string, byte[]> files, IEnumerable<string> gone)
    {
        var (owner, _) = await node.SessionClientAsync(_owner);
        using (owner)
        {
            var project = await owner.GetFromJsonAsync<ProjectBody>($"/api/projects/{projectId}");
            Assert.Equal(("Durable", "react", _owner.PublicKeyHex), (project!.Name, project.Template, project.Owner));
            Assert.Contains(project.Members, m => m.Pubkey == _owner.PublicKeyHex && m.Role == "admin");
            Assert.Contains(project.Members, m => m.Pubkey == _editor.PublicKeyHex && m.Role == "editor");

            var tree = (await owner.TreeAsync(projectId)).ToDictionary(e => e.Path);
            foreach (var (path, bytes) in files)
            {
                Assert.True(tree.TryGetValue(path, out var entry), $"{path} is missing from the tree after restart");
                Assert.Equal(bytes.LongLength, entry.Size);
                var read = await owner.GetFileAsync(projectId, path);
                Assert.True(bytes.SequenceEqual(read), $"{path} differs after restart");
            }
            foreach (var path in gone)
            {
                Assert.DoesNotContain(path, tree.Keys);
                using var missing = await owner.GetAsync($"/api/projects/{projectId}/files{path}");
                await missing.AssertProblemAsync(HttpStatusCode.NotFound, "file.not_found");
            }
        }

        // Membership is kept on both sides: the editor still sees the project in their list.
        var (editor, _) = await node.SessionClientAsync(_editor);
        using (editor)
        {
            var list = await editor.GetFromJsonAsync<List<ProjectBody>>("/api/projects");
            Assert.Contains(list!, p => p.Id == projectId && p.Role == "editor");
        }
    }

    [Fact]
    public async Task Gracefully_stopped_node_keeps_every_file_project_and_member()
    {
        var files = Workload(seed: 1);
        string projectId, token;
        await using (var node = await VibeProcess.StartAsync(_dataDir))
        {
            (var owner, token) = await node.SessionClientAsync(_owner);
            using (owner)
            {
                projectId = await CreateProjectWithFilesAsync(node, owner, files);
                using (var moved = await owner.PostAsJsonAsync($"/api/projects/{projectId}/files:move", new { from = "/notes.md", to = "/docs/notes.md" }))
                    Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
                files["/docs/notes.md"] = files["/notes.md"];
                files.Remove("/notes.md");
                using (var deleted = await owner.DeleteAsync($"/api/projects/{projectId}/files/assets/img0.png"))
                    Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
                files.Remove("/assets/img0.png");
            }
            Assert.Equal(0, await node.StopAsync());
        }

        await using (var restarted = await VibeProcess.StartAsync(_dataDir))
        {
            await AssertProjectIntactAsync(restarted, projectId, files, gone: ["/notes.md", "/assets/img0.png"]);

            // The session key is kept with the data, so a token issued before the restart still works.
            using var old = restarted.BearerClient(token);
            using var me = await old.GetAsync("/api/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Contains(projectId, (await me.Content.ReadFromJsonAsync<MeBody>())!.Projects);
            Assert.Equal(0, await restarted.StopAsync());
        }
    }

    /// <summary>
    /// Under <c>dotnet run</c> the data directory sits inside the working directory, which is also the content root.
    /// A watch on the content root (ASP.NET's default for reloading appsettings) covers every directory below it:
    /// every commit to the update log and every file npm writes for a preview became inotify events for the node
    /// to process, and each new directory one more watch against the user's inotify limit.
    /// </summary>
    [Fact]
    public async Task A_node_does_not_watch_the_directory_it_runs_in_nor_its_data()
    {
        var workingDirectory = Path.Combine(_dataDir, "cwd");
        var data = Path.Combine(workingDirectory, "data");
        Directory.CreateDirectory(Path.Combine(workingDirectory, "some", "nested", "folder"));
        await using var node = await VibeProcess.StartAsync(data, workingDirectory: workingDirectory);
        var (owner, _) = await node.SessionClientAsync(_owner);
        using (owner)
            await CreateProjectWithFilesAsync(node, owner, Workload(seed: 4));

        var watched = InotifyWatchedInodes(node.Id);
        foreach (var directory in new[] { workingDirectory, data, Path.Combine(workingDirectory, "some", "nested") })
            Assert.DoesNotContain(Inode(directory), watched);
        Assert.Equal(0, await node.StopAsync());
    }

    /// <summary>
    /// With inline socket completions a socket thread does a keystroke's whole work; a node starts one for every two
    /// cores (Hosting/InlineIo), where the runtime would start one per core and they contended for the cores.
    /// </summary>
    [Fact]
    public async Task A_node_runs_one_socket_thread_for_every_two_cores()
    {
        await using var node = await VibeProcess.StartAsync(_dataDir);
        var (owner, _) = await node.SessionClientAsync(_owner);
        using (owner)
            await owner.CreateProjectAsync("Threads", "blank");

        var socketThreads = Directory.GetDirectories($"/proc/{node.Id}/task").Count(task => ThreadName(task) == ".NET Sockets");
        Assert.InRange(socketThreads, 1, Hosting.InlineIo.SocketThreads(Environment.ProcessorCount));
        Assert.Equal(0, await node.StopAsync());
    }

    /// <summary>A thread's name from <c>/proc/PID/task/TID</c>; null if it ended meanwhile (pool threads retire).</summary>
    static string? ThreadName(string task)
    {
        try { return File.ReadAllText(Path.Combine(task, "comm")).Trim(); }
        catch (IOException) { return null; }
    }

    /// <summary>The inodes every inotify instance of a process watches (Linux: <c>/proc/PID/fdinfo</c>).</summary>
    static HashSet<ulong> InotifyWatchedInodes(int pid)
    {
        var inodes = new HashSet<ulong>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fdinfo"))
        {
            string[] lines;
            try { lines = File.ReadAllLines(fd); } catch (IOException) { continue; }
            foreach (var line in lines.Where(l => l.StartsWith("inotify ", StringComparison.Ordinal)))
            {
                var ino = line.Split(' ').First(part => part.StartsWith("ino:", StringComparison.Ordinal))[4..];
                inodes.Add(Convert.ToUInt64(ino, 16));
            }
        }
        return inodes;
    }

    static ulong Inode(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return ulong.Parse(output.Trim());
    }

    [Fact]
    public async Task Killed_node_loses_no_acknowledged_write()
    {
        var files = Workload(seed: 2);
        string projectId;
        await using (var node = await VibeProcess.StartAsync(_dataDir))
        {
            var (owner, _) = await node.SessionClientAsync(_owner);
            using (owner)
            {
                projectId = await CreateProjectWithFilesAsync(node, owner, files);
                // Overwrites too: the last acknowledged version is the one that must survive.
                foreach (var path in files.Keys.Where((_, i) => i % 4 == 0).ToList())
                {
                    var changed = path.EndsWith(".png", StringComparison.Ordinal)
                        ? files[path].Reverse().ToArray()
                        : Encoding.UTF8.GetBytes($"rewritten {path}\n");
                    await owner.PutFileAsync(projectId, path, changed);
                    files[path] = changed;
                }
            }
            await node.KillAsync();
        }

        await using var restarted = await VibeProcess.StartAsync(_dataDir);
        await AssertProjectIntactAsync(restarted, projectId, files, gone: []);
    }

    [Fact]
    public async Task Traversal_on_the_wire_never_escapes_the_project_guard()
    {
        await using var node = await VibeProcess.StartAsync(_dataDir);
        var (owner, _) = await node.SessionClientAsync(_owner);
        var (stranger, _) = await node.SessionClientAsync(NostrEventSigner.Generate());
        using (owner)
        using (stranger)
        {
            var secret = await owner.CreateProjectAsync("Secret");
            await owner.PutFileAsync(secret.Id, "/secret.txt", "top secret"u8.ToArray());
            var mine = await stranger.CreateProjectAsync("Mine");

            // Kestrel resolves dot segments, raw or percent-encoded, so these name the other project's file,
            // and that project's guard refuses a non-member.
            foreach (var traversal in new[] { "..", "%2e%2e", "%2E%2E", ".%2e" })
            {
                var raw = new Uri($"{node.BaseAddress}api/projects/{mine.Id}/files/{traversal}/{traversal}/{secret.Id}/files/secret.txt",
                    new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
                using var response = await stranger.GetAsync(raw);
                var body = await response.Content.ReadAsStringAsync();
                Assert.DoesNotContain("top secret", body);
                Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest or HttpStatusCode.NotFound,
                    $"{traversal}: {(int)response.StatusCode} {body}");
            }

            // NIP-98's "u" must equal the URL exactly as sent, escapes and query included, on a real server too.
            using (var signed = node.SignedClient(_owner))
            {
                using var put = await signed.PutAsync($"/api/projects/{secret.Id}/files/with space/ünï€ode.txt?x=a%20b", new ByteArrayContent("signed"u8.ToArray()));
                Assert.True(put.StatusCode == HttpStatusCode.Created, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}\n{node.Output}");
                using var tree = await signed.GetAsync($"/api/projects/{secret.Id}/tree?path=/with%20space");
                Assert.Contains("/with space/ünï€ode.txt", await tree.Content.ReadAsStringAsync());
            }

            // A NUL never reaches an endpoint: Kestrel refuses the request line.
            var nul = new Uri($"{node.BaseAddress}api/projects/{mine.Id}/files/a%00b.txt",
                new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var refused = await stranger.GetAsync(nul);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }
}
