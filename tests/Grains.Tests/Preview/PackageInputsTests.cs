using System.Text;
using Vibe.Grains.Preview;

namespace Vibe.Grains.Tests.Preview;

/// <summary>When an install is due, whether scripts may run, and how logs are capped: file-level rules, no npm.</summary>
public sealed class PackageInputsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("vibe-install-").FullName;

    void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    void MarkInstalled()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "node_modules"));
        Directory.CreateDirectory(Path.Combine(_dir, ".vibe"));
        File.WriteAllText(PackageInstaller.StampPath(_dir), PackageInstaller.InputsHash(_dir));
    }

    [Fact]
    public void An_install_is_due_only_when_package_json_or_the_lock_changed()
    {
        Assert.True(PackageInstaller.IsCurrent(_dir)); // no package.json: nothing to install
        Write("package.json", """{"dependencies":{"react":"^19.1.0"}}""");
        Assert.False(PackageInstaller.IsCurrent(_dir));

        MarkInstalled();
        Assert.True(PackageInstaller.IsCurrent(_dir));
        Write("README.md", "unrelated");
        Assert.True(PackageInstaller.IsCurrent(_dir));

        Write("package-lock.json", "{}");
        Assert.False(PackageInstaller.IsCurrent(_dir));
        MarkInstalled();
        Write("package.json", """{"dependencies":{"react":"^19.2.0"}}""");
        Assert.False(PackageInstaller.IsCurrent(_dir));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("[preview]\nentry = \"index.html\"\n", false)]
    [InlineData("[preview]\nscripts = true\n", true)]
    [InlineData("[preview]\nscripts = \"true\"\n", false)]
    [InlineData("[project]\nscripts = true\n", false)]
    [InlineData("[preview\nscripts = true", false)]
    public void Package_scripts_run_only_when_vibe_toml_turns_them_on(string? toml, bool allowed)
    {
        if (toml is not null)
            Write("vibe.toml", toml);

        Assert.Equal(allowed, PackageInstaller.ScriptsAllowed(_dir));
    }

    [Fact]
    public void A_log_past_its_cap_drops_its_oldest_half_at_a_line_boundary()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
            text.Append($"line {i:D4} {new string('x', 100)}\n");

        var capped = PreviewLog.Cap(text.ToString(), 64 * 1024);

        Assert.True(Encoding.UTF8.GetByteCount(capped) <= 64 * 1024);
        Assert.StartsWith("line ", capped);
        Assert.EndsWith($"line 0999 {new string('x', 100)}\n", capped);
        Assert.Equal("short\n", PreviewLog.Cap("short\n", 64 * 1024));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
