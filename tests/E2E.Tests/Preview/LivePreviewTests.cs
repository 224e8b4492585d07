using Microsoft.Playwright;
using Vibe.E2E.Tests.Server;

namespace Vibe.E2E.Tests.Preview;

/// <summary>
/// The live preview of a new <c>react</c> project in headless Chromium against a real Vibe process: the panel
/// beside the editor, state kept across a hot update made through the collaboration API, the error overlay.
/// </summary>
public sealed class LivePreviewTests(VibeServer server) : IClassFixture<VibeServer>
{
    // The first preview of a project installs react from npm: give it minutes, not seconds.
    private const float FirstBuild = 120_000;
    private const float Wait = Chromium.Wait;

    // REST from inside the IDE page, with the session it holds (a PUT of a text file becomes a minimal edit of its document).
    private const string Rest = """
        async ([method, url, body]) => {
          const t = JSON.parse(localStorage.getItem("vibe.session")).token;
          const r = await fetch(url, { method, headers: { Authorization: `Bearer ${t}` }, body: body ?? undefined });
          return { status: r.status, text: await r.text() };
        }
        """;

    private sealed class RestReply
    {
        public int Status { get; set; }
        public string Text { get; set; } = "";
    }

    [Fact]
    public async Task React_preview_hot_updates_with_state_kept_and_shows_then_clears_the_error_overlay()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var ide = await Chromium.SignInAsync(browser, server, "Lin", width: 1440, height: 820);
        var projectId = await Chromium.CreateProjectAsync(ide, "Preview session");
        var artifacts = Chromium.Artifacts(server);

        // The IDE's panel: the running app beside the editor.
        await ide.ClickAsync(".tree-row[data-path=\"/src/App.tsx\"]");
        await ide.ClickAsync(".preview-toggle");
        await WaitOrExplainAsync(ide, () => ide.WaitForSelectorAsync(".preview-badge[data-status=\"ready\"]", new() { Timeout = FirstBuild }), projectId);
        var panelFrame = ide.FrameLocator(".preview-frame");
        await panelFrame.Locator("h1").WaitForAsync(new() { Timeout = Wait });
        Assert.Equal("Hello from Vibe", await panelFrame.Locator("h1").TextContentAsync());
        await ide.ClickAsync(".segmented [data-device=\"tablet\"]");
        Assert.Equal(768, await ide.EvaluateAsync<int>("() => Math.round(document.querySelector('.preview-device').getBoundingClientRect().width)"));
        await ide.ClickAsync(".segmented [data-device=\"mobile\"]");
        Assert.Equal(375, await ide.EvaluateAsync<int>("() => Math.round(document.querySelector('.preview-device').getBoundingClientRect().width)"));
        await ide.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "preview-ide-panel-mobile.png") });
        await ide.ClickAsync(".segmented [data-device=\"desktop\"]");
        await ide.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "preview-ide-panel.png") });

        // The preview URL on its own origin, as "open in a new tab" gives it.
        var url = await ide.GetAttributeAsync(".preview-panel a[target=_blank]", "href");
        Assert.StartsWith($"{server.PreviewAddress}preview/{projectId}/?vibe_token=", url);
        var app = await ide.Context.NewPageAsync();
        await app.GotoAsync(url!);
        Assert.Equal($"{server.PreviewAddress}preview/{projectId}/", app.Url);
        await app.WaitForSelectorAsync("h1:has-text('Hello from Vibe')", new() { Timeout = Wait });
        await app.EvaluateAsync("() => { window.__vibeSameDocument = 'yes'; }");
        var counter = app.Locator("button");
        for (var i = 0; i < 3; i++)
            await counter.ClickAsync();
        Assert.Equal("Count is 3", await counter.TextContentAsync());

        // A new heading through the collaboration API reaches the page without a reload, and the count stays.
        var appFile = $"/api/projects/{projectId}/files/src/App.tsx";
        var original = (await ide.EvaluateAsync<RestReply>(Rest, new object?[] { "GET", appFile, null })).Text;
        var edited = original.Replace("Hello from Vibe", "Hello from the collaboration API");
        Assert.NotEqual(original, edited);
        Assert.Equal(200, (await ide.EvaluateAsync<RestReply>(Rest, new object?[] { "PUT", appFile, edited })).Status);
        await app.WaitForSelectorAsync("h1:has-text('Hello from the collaboration API')", new() { Timeout = Wait });
        Assert.Equal("yes", await app.EvaluateAsync<string>("() => window.__vibeSameDocument"));
        Assert.Equal("Count is 3", await counter.TextContentAsync());
        // The panel's frame is a page of its own and updates too.
        await panelFrame.Locator("h1:has-text('Hello from the collaboration API')").WaitForAsync(new() { Timeout = Wait });

        // A syntax error: the overlay names the file and the line.
        var lines = edited.Split('\n');
        var headingLine = Array.FindIndex(lines, l => l.Contains("<h1>")) + 1;
        var broken = edited.Replace("<h1>Hello from the collaboration API</h1>", "<h1>Hello from the collaboration API</h1");
        Assert.Equal(200, (await ide.EvaluateAsync<RestReply>(Rest, new object?[] { "PUT", appFile, broken })).Status);
        var overlayFile = app.Locator("vibe-error-overlay .file");
        await overlayFile.WaitForAsync(new() { Timeout = Wait });
        var where = await overlayFile.TextContentAsync() ?? "";
        Assert.StartsWith("/src/App.tsx:", where);
        var line = int.Parse(where.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(line, headingLine, headingLine + 1);
        await app.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "preview-error-overlay.png") });
        await ide.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "preview-ide-build-error.png") });

        // Fixed: the overlay goes, the page is still the same document with its state.
        Assert.Equal(200, (await ide.EvaluateAsync<RestReply>(Rest, new object?[] { "PUT", appFile, edited })).Status);
        await app.Locator("vibe-error-overlay").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = Wait });
        Assert.Equal("yes", await app.EvaluateAsync<string>("() => window.__vibeSameDocument"));
        Assert.Equal("Count is 3", await counter.TextContentAsync());
        await ide.WaitForSelectorAsync(".preview-badge[data-status=\"ready\"]", new() { Timeout = Wait });
    }

    /// <summary>On a time-out, says what the panel showed, the build log and the server's last lines.</summary>
    private async Task WaitOrExplainAsync(IPage ide, Func<Task> wait, string projectId)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException)
        {
            await ide.ScreenshotAsync(new() { Path = Path.Combine(Chromium.Artifacts(server), "preview-timeout.png") });
            var badge = await ide.EvaluateAsync<string>("() => { const b = document.querySelector('.preview-badge'); return b.dataset.status + ' ' + b.title; }");
            var log = await ide.EvaluateAsync<RestReply>(Rest, new object?[] { "GET", $"/api/projects/{projectId}/logs/build.log", null });
            Assert.Fail($"The preview did not get ready. Badge: {badge}\nbuild.log ({log.Status}):\n{log.Text}\nServer:\n{server.RecentOutput}");
        }
    }
}
