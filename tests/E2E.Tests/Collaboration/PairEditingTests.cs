using Microsoft.Playwright;
using Vibe.E2E.Tests.Server;

namespace Vibe.E2E.Tests.Collaboration;

/// <summary>Two people editing one file in the real browser IDE against a real Vibe server.</summary>
public sealed class PairEditingTests(VibeServer server) : IClassFixture<VibeServer>
{
    private const float Wait = Chromium.Wait;
    private const string Editor = ".editor-pane:not([hidden])";

    // Joins the editor's lines without the remote-caret widgets (they carry the other user's name as text).
    private const string EditorText = """
        () => {
          const content = document.querySelector(".editor-pane:not([hidden]) .cm-content");
          if (!content) return null;
          const copy = content.cloneNode(true);
          copy.querySelectorAll(".cm-ySelectionCaret, .cm-ySelectionInfo").forEach((e) => e.remove());
          return [...copy.querySelectorAll(".cm-line")].map((l) => l.textContent).join("\n");
        }
        """;

    [Fact]
    public async Task Two_users_editing_concurrently_and_offline_converge_and_see_each_others_cursors()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var ada = await Chromium.SignInAsync(browser, server, "Ada");
        var grace = await Chromium.SignInAsync(browser, server, "Grace");

        // Ada creates a React project and makes Grace an editor.
        var projectId = await Chromium.CreateProjectAsync(ada, "Pair session");
        var gracePubkey = await grace.EvaluateAsync<string>("() => JSON.parse(localStorage.getItem('vibe.session')).pubkey");
        var status = await ada.EvaluateAsync<int>("""
            async ([id, pub]) => {
              const t = JSON.parse(localStorage.getItem("vibe.session")).token;
              const r = await fetch(`/api/projects/${id}/members/${pub}`, { method: "PUT", headers: { Authorization: `Bearer ${t}`, "Content-Type": "application/json" }, body: JSON.stringify({ role: "editor" }) });
              return r.status;
            }
            """, new[] { projectId, gracePubkey });
        Assert.Equal(200, status);

        // Both open src/App.tsx.
        await ada.ClickAsync(".tree-row[data-path=\"/src/App.tsx\"]");
        await WaitForEditorAsync(ada);
        await grace.GotoAsync($"{server.BaseAddress}#/p/{Uri.EscapeDataString(projectId)}/src/App.tsx");
        await WaitForEditorAsync(grace);

        // Both type at the same time on different lines.
        await Task.WhenAll(
            TypeAfterLineAsync(ada, 2, "\n// Ada was here"),
            TypeAfterLineAsync(grace, 0, " // Grace too"));
        await WaitForSameTextAsync(ada, grace, "Ada was here", "Grace too");

        // Each sees the other's remote caret.
        await ada.WaitForSelectorAsync($"{Editor} .cm-ySelectionCaret", new() { Timeout = Wait });
        await grace.WaitForSelectorAsync($"{Editor} .cm-ySelectionCaret", new() { Timeout = Wait });
        Assert.Contains("Grace", await ada.TextContentAsync($"{Editor} .cm-ySelectionInfo") ?? "");
        Assert.Contains("Ada", await grace.TextContentAsync($"{Editor} .cm-ySelectionInfo") ?? "");
        var artifacts = Chromium.Artifacts(server);
        await ada.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "ide-two-cursors.png") });
        await grace.ScreenshotAsync(new() { Path = Path.Combine(artifacts, "ide-two-cursors-grace.png") });

        // Grace goes offline and edits; Ada edits meanwhile; Grace reconnects and the edits merge.
        await grace.Context.SetOfflineAsync(true);
        await grace.WaitForFunctionAsync("() => document.querySelector('.connection')?.dataset.state !== 'connected'", null, new() { Timeout = Wait });
        await TypeAfterLineAsync(grace, 1, "\n// Grace typed offline");
        await TypeAfterLineAsync(ada, 4, "\n// Ada typed meanwhile");
        await grace.Context.SetOfflineAsync(false);
        await grace.WaitForFunctionAsync("() => document.querySelector('.connection')?.dataset.state === 'connected'", null, new() { Timeout = 60_000 });
        var merged = await WaitForSameTextAsync(ada, grace, "Ada was here", "Grace too", "Grace typed offline", "Ada typed meanwhile");

        // The server's copy of the file has every edit too.
        var stored = await ada.EvaluateAsync<string>("""
            async ([id, needles]) => {
              const t = JSON.parse(localStorage.getItem("vibe.session")).token;
              for (let i = 0; i < 100; i++) {
                const body = await (await fetch(`/api/projects/${id}/files/src/App.tsx`, { headers: { Authorization: `Bearer ${t}` } })).text();
                if (needles.every((n) => body.includes(n))) return body;
                await new Promise((r) => setTimeout(r, 300));
              }
              return await (await fetch(`/api/projects/${id}/files/src/App.tsx`, { headers: { Authorization: `Bearer ${t}` } })).text();
            }
            """, new object[] { projectId, new[] { "Ada was here", "Grace too", "Grace typed offline", "Ada typed meanwhile" } });
        Assert.Equal(merged.TrimEnd('\n'), stored.TrimEnd('\n'));
    }

    private static async Task WaitForEditorAsync(IPage page)
    {
        await page.WaitForSelectorAsync($"{Editor} .cm-content", new() { Timeout = Wait });
        await page.WaitForFunctionAsync("() => document.querySelector('.editor-pane:not([hidden]) .editor-overlay')?.hidden", null, new() { Timeout = Wait });
    }

    private static async Task TypeAfterLineAsync(IPage page, int line, string text)
    {
        await page.Locator($"{Editor} .cm-line").Nth(line).ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(text);
    }

    /// <summary>Waits until both editors hold the same text containing every needle, and returns it.</summary>
    private static async Task<string> WaitForSameTextAsync(IPage first, IPage second, params string[] needles)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var page in new[] { first, second })
        {
            await page.WaitForFunctionAsync(
                $"(needles) => {{ const t = ({EditorText})(); return t !== null && needles.every((n) => t.includes(n)); }}",
                needles, new() { Timeout = Wait });
        }
        // Either side may still be catching up on the last keystrokes, so re-read the second page until the two agree.
        string secondText = await second.EvaluateAsync<string>(EditorText);
        while (true)
        {
            var firstText = await first.EvaluateAsync<string>(EditorText);
            if (firstText == secondText) return firstText;
            if (DateTime.UtcNow > deadline)
                Assert.Equal(firstText, secondText);
            try
            {
                await first.WaitForFunctionAsync($"(expected) => ({EditorText})() === expected", secondText, new() { Timeout = 2_000 });
            }
            catch (Microsoft.Playwright.PlaywrightException)
            {
                // The second page moved on meanwhile; compare against its newer text.
            }
            secondText = await second.EvaluateAsync<string>(EditorText);
        }
    }
}
