using Microsoft.Playwright;

namespace Vibe.E2E.Tests.Server;

/// <summary>The system's headless Chromium (never a downloaded one) and a signed-in IDE page in it.</summary>
public static class Chromium
{
    public const float Wait = 30_000;

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>A fresh browser context whose user creates a Nostr key on the sign-in page and lands on the project list.</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, VibeServer server, string name, int width = 1300, int height = 760)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.FillAsync(".sign-in-card input.input:not(.mono)", name);
        await page.ClickAsync("text=Create a new key");
        await page.WaitForSelectorAsync(".projects", new() { Timeout = Wait });
        return page;
    }

    /// <summary>Creates a project from the project list and waits for its IDE; returns the project id.</summary>
    public static async Task<string> CreateProjectAsync(IPage page, string name)
    {
        await page.FillAsync(".create input.input", name);
        await page.ClickAsync("text=Create project");
        await page.WaitForSelectorAsync(".ide .tree-row", new() { Timeout = Wait });
        return Uri.UnescapeDataString(page.Url.Split("#/p/")[1].Split('/')[0]);
    }

    /// <summary>Where screenshots are kept: <c>artifacts/e2e</c> in the repository.</summary>
    public static string Artifacts(VibeServer server)
    {
        var dir = Path.Combine(server.RepositoryRoot, "artifacts", "e2e");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
