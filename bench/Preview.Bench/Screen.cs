using System.Diagnostics;
using Microsoft.Playwright;

namespace Vibe.Preview.Bench;

/// <summary>
/// Keystroke-to-screen on one preview page: each edit's send time and the moment the page's MutationObserver
/// saw the new heading, both on the machine's wall clock (<c>performance.timeOrigin + performance.now()</c> in the
/// page, the Unix epoch in milliseconds here), so the difference is what a person would see.
/// </summary>
public static class Screen
{
    const string Observe = """
        () => {
          window.__benchSame = "yes";
          window.__seen = new Map();
          const record = () => {
            const h = document.querySelector("h1");
            if (!h) return;
            const text = h.textContent;
            if (!window.__seen.has(text)) window.__seen.set(text, performance.timeOrigin + performance.now());
          };
          new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
          record();
        }
        """;

    public static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>Waits (with a deadline) until the page shows <paramref name="heading"/>; the page may reload itself meanwhile.</summary>
    public static async Task WaitForHeadingAsync(IPage page, string heading, TimeSpan deadline) =>
        await page.WaitForSelectorAsync($"h1:text-is('{heading}')", new() { Timeout = (float)deadline.TotalMilliseconds });

    /// <summary>Opens <paramref name="url"/> once its server accepts connections (polled every 20 ms).</summary>
    public static async Task GotoAsync(IPage page, string url, TimeSpan deadline)
    {
        var uri = new Uri(url);
        var until = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(uri.Host, uri.Port);
                break;
            }
            catch (System.Net.Sockets.SocketException) when (until.Elapsed < deadline)
            {
                await Task.Delay(20);
            }
        }
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>
    /// Applies <paramref name="count"/> edits of the heading (after <paramref name="warmUp"/> uncounted ones) and
    /// returns each one's latency in milliseconds. Fails if the page reloaded: state would have been lost.
    /// </summary>
    public static async Task<List<double>> MeasureAsync(IPage page, string original, string heading, Func<string, Task> apply,
        int count, int warmUp, string label)
    {
        await page.EvaluateAsync(Observe);
        var latencies = new List<double>();
        for (var i = 1; i <= warmUp + count; i++)
        {
            var text = $"{label} edit {i}";
            var sent = NowMs();
            var applying = apply(original.Replace(heading, text));
            var seen = await page.WaitForFunctionAsync("t => window.__seen && window.__seen.get(t)", text, new() { Timeout = 60_000 });
            var latency = (await seen.JsonValueAsync<double>()) - sent;
            await applying;
            if (i > warmUp)
                latencies.Add(latency);
            // A short breath between keystrokes, the same for both servers.
            await Task.Delay(50);
        }
        if (await page.EvaluateAsync<string?>("() => window.__benchSame") != "yes")
            throw new InvalidOperationException($"{label}: the page reloaded during the edits");
        return latencies;
    }

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return Math.Round(sorted[Math.Clamp(rank, 0, sorted.Count - 1)], 1);
    }
}
