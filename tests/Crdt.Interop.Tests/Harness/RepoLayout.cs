namespace Vibe.Crdt.Interop.Tests.Harness;

/// <summary>Finds the repository root (the directory holding Vibe.sln) and the files the interop tests need around it.</summary>
public static class RepoLayout
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Vibe.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("Vibe.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string InteropDir => Path.Combine(Root, "tests", "interop");

    /// <summary>The node script hosting yjs peers; fails clearly when the npm packages are not installed.</summary>
    public static string YjsPeerScript
    {
        get
        {
            var script = Path.Combine(InteropDir, "yjs-peer.mjs");
            if (!File.Exists(script)) throw new FileNotFoundException("yjs peer script missing", script);
            if (!Directory.Exists(Path.Combine(InteropDir, "node_modules", "yjs")))
            {
                throw new InvalidOperationException($"yjs is not installed: run `npm ci` in {InteropDir} (the test script does this when tests/interop/package.json exists)");
            }
            return script;
        }
    }

    public static string DataFile(string name) => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "crdt", name));
}
