using System.Text;
using Vibe.Grains.Namespaces;
using Vibe.Grains.Projects;

namespace Vibe.Grains.Tests.Projects;

public sealed class ProjectTemplatesTests
{
    [Fact]
    public void Blank_and_react_templates_are_embedded() =>
        Assert.Superset(new HashSet<string> { "blank", "react" }, ProjectTemplates.Names.ToHashSet());

    [Fact]
    public void React_template_has_the_app_files()
    {
        Assert.True(ProjectTemplates.TryGet("react", out var files));
        Assert.Superset(
            new HashSet<string> { "/index.html", "/src/main.tsx", "/src/App.tsx", "/src/styles.css", "/package.json", "/vibe.toml" },
            files.Keys.ToHashSet());
    }

    [Fact]
    public void Blank_template_has_a_page_and_a_vibe_toml()
    {
        Assert.True(ProjectTemplates.TryGet("blank", out var files));
        Assert.Contains("/index.html", files.Keys);
        Assert.Contains("/vibe.toml", files.Keys);
    }

    [Theory]
    [InlineData("blank")]
    [InlineData("react")]
    public void Template_files_are_text_with_valid_workspace_paths(string template)
    {
        Assert.True(ProjectTemplates.TryGet(template, out var files));
        foreach (var (path, bytes) in files)
        {
            Assert.Equal(NamespacePath.Workspace + path, NamespacePath.FromWorkspace(path));
            Assert.True(TextDetector.TryDecode(path, bytes, out var text), $"{template}{path} is not text");
            Assert.NotEmpty(text);
        }
    }

    [Fact]
    public void React_package_json_names_react()
    {
        Assert.True(ProjectTemplates.TryGet("react", out var files));
        Assert.Contains("\"react\"", Encoding.UTF8.GetString(files["/package.json"]));
    }

    [Fact]
    public void Unknown_templates_are_absent()
    {
        Assert.False(ProjectTemplates.TryGet("angular", out _));
        Assert.False(ProjectTemplates.TryGet("React", out _));
    }
}
