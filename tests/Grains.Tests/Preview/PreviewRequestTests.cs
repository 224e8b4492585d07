using Vibe.Grains.Preview;

namespace Vibe.Grains.Tests.Preview;

/// <summary>How request paths are classified and refused, and what the entry HTML loads: plain classes, no cluster.</summary>
public sealed class PreviewRequestTests
{
    [Theory]
    [InlineData("/", "", PreviewAssetKind.EntryHtml, "/index.html")]
    [InlineData("/index.html", "t=1", PreviewAssetKind.EntryHtml, "/index.html")]
    [InlineData("/src/App.tsx", "t=5", PreviewAssetKind.Module, "/src/App.tsx")]
    [InlineData("/src/util.mjs", "", PreviewAssetKind.Module, "/src/util.mjs")]
    [InlineData("/src/styles.css", "", PreviewAssetKind.RawCss, "/src/styles.css")]
    [InlineData("/src/styles.css", "import&t=9", PreviewAssetKind.ImportModule, "/src/styles.css")]
    [InlineData("/src/data.json", "import", PreviewAssetKind.ImportModule, "/src/data.json")]
    [InlineData("/src/logo.svg", "", PreviewAssetKind.Static, "/src/logo.svg")]
    [InlineData("/@deps/react.js", "", PreviewAssetKind.Dependency, "/.vibe/deps/react.js")]
    [InlineData("/@vibe/client.js", "", PreviewAssetKind.Toolchain, "/@vibe/client.js")]
    [InlineData("/src/my%20file.png", "", PreviewAssetKind.Static, "/src/my file.png")]
    public void Paths_are_classified_by_the_url_space(string path, string query, PreviewAssetKind kind, string file)
    {
        Assert.True(PreviewRequest.TryParse(path, query, out var request, out var error), error);
        Assert.Equal(kind, request.Kind);
        Assert.Equal(file, request.FilePath);
    }

    [Theory]
    [InlineData("/../x")]
    [InlineData("/a/./b")]
    [InlineData("/%2e%2e/x")]
    [InlineData("/%2E%2E%2Fx")]
    [InlineData("/%252e%252e/x")]
    [InlineData("/a\\..\\b")]
    [InlineData("/a%5c..%5cb")]
    [InlineData("/a%00b")]
    [InlineData("/a\nb")]
    [InlineData("//etc/passwd")]
    [InlineData("relative")]
    [InlineData("")]
    [InlineData("/C:/x")]
    [InlineData("/%zz")]
    public void Paths_that_could_leave_the_working_directory_are_refused(string path)
    {
        Assert.False(PreviewRequest.TryParse(path, "", out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("/node_modules/bootstrap/dist/logo.png", false)]
    [InlineData("/node_modules/.package-lock.json", true)]
    [InlineData("/.vibe/deps/react.js", true)]
    [InlineData("/.env", true)]
    [InlineData("/src/.secret/x.txt", true)]
    [InlineData("/public/robots.txt", false)]
    public void The_preview_hides_dot_files(string path, bool hidden)
    {
        Assert.True(PreviewRequest.TryParse(path, "", out var request, out _));
        Assert.Equal(hidden, request.IsHidden);
    }

    [Fact]
    public void The_entry_html_loads_its_module_scripts_and_stylesheets()
    {
        const string html = """
            <!doctype html><html><head>
            <link rel="stylesheet" href="/src/styles.css?v=2" />
            <link rel=icon href="/favicon.ico">
            <link rel='preload stylesheet' href='./src/more.css'>
            <script src="https://cdn.example/x.js"></script>
            <script src="/legacy.js"></script>
            </head><body>
            <script type="module" src="/src/main.tsx"></script>
            <script type=module src=src/other.ts></script>
            <script type="module" src="/../escape.ts"></script>
            </body></html>
            """;

        var references = EntryHtml.References(html);

        Assert.Equal(
            [("/src/styles.css", true), ("/src/more.css", true), ("/src/main.tsx", false), ("/src/other.ts", false)],
            references);
    }
}
