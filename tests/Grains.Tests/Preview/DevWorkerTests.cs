using System.Text.Json.Nodes;
using Vibe.Grains.Preview;

namespace Vibe.Grains.Tests.Preview;

/// <summary>The worker client against small real node scripts that speak the protocol, hang, or die.</summary>
public sealed class DevWorkerTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("vibe-devworker-").FullName;

    /// <summary>Echoes each request; "hang" never answers; "die" exits; answers out of order when asked.</summary>
    const string Script = """
        import readline from "node:readline";
        const rl = readline.createInterface({ input: process.stdin });
        rl.on("line", (line) => {
          const req = JSON.parse(line);
          if (req.op === "hang") return;
          if (req.op === "die") { console.error("dying on purpose"); process.exit(3); }
          const answer = () => process.stdout.write(JSON.stringify({ id: req.id, echo: req.value, pid: process.pid }) + "\n");
          if (req.op === "slow") setTimeout(answer, 300); else answer();
        });
        """;

    DevWorker NewWorker(List<string> log)
    {
        var script = Path.Combine(_dir, "worker.mjs");
        File.WriteAllText(script, Script);
        return new DevWorker(script, _dir, line => { lock (log) log.Add(line); });
    }

    [Fact]
    public async Task Concurrent_requests_are_matched_to_their_answers_by_id()
    {
        await using var worker = NewWorker([]);

        var slow = worker.RequestAsync(new JsonObject { ["op"] = "slow", ["value"] = "first" }, TimeSpan.FromSeconds(30));
        var fast = worker.RequestAsync(new JsonObject { ["op"] = "echo", ["value"] = "second" }, TimeSpan.FromSeconds(30));

        Assert.Equal("second", (await fast).GetProperty("echo").GetString());
        Assert.Equal("first", (await slow).GetProperty("echo").GetString());
    }

    [Fact]
    public async Task A_request_that_times_out_kills_the_worker_and_the_next_request_gets_a_new_one()
    {
        await using var worker = NewWorker([]);
        var before = (await worker.RequestAsync(new JsonObject { ["op"] = "echo" }, TimeSpan.FromSeconds(30))).GetProperty("pid").GetInt32();

        var e = await Assert.ThrowsAsync<DevWorkerException>(() => worker.RequestAsync(new JsonObject { ["op"] = "hang", ["path"] = "/src/App.tsx" }, TimeSpan.FromMilliseconds(500)));
        Assert.Contains("/src/App.tsx", e.Message);

        var after = (await worker.RequestAsync(new JsonObject { ["op"] = "echo" }, TimeSpan.FromSeconds(30))).GetProperty("pid").GetInt32();
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task A_dying_worker_fails_its_requests_and_reports_why()
    {
        var log = new List<string>();
        await using var worker = NewWorker(log);
        var exited = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Exited += reason => exited.TrySetResult(reason);

        var e = await Assert.ThrowsAsync<DevWorkerException>(() => worker.RequestAsync(new JsonObject { ["op"] = "die" }, TimeSpan.FromSeconds(30)));

        var reason = await exited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("code 3", reason);
        Assert.Contains("code 3", e.Message);
        Assert.False(worker.IsRunning);
        Assert.Equal("again", (await worker.RequestAsync(new JsonObject { ["op"] = "echo", ["value"] = "again" }, TimeSpan.FromSeconds(30))).GetProperty("echo").GetString());
    }

    [Fact]
    public async Task A_missing_toolchain_is_a_worker_error_not_a_crash()
    {
        await using var worker = new DevWorker(Path.Combine(_dir, "absent.mjs"), _dir, _ => { });

        var e = await Assert.ThrowsAsync<DevWorkerException>(() => worker.RequestAsync(new JsonObject { ["op"] = "echo" }, TimeSpan.FromSeconds(5)));
        Assert.Contains("absent.mjs", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
