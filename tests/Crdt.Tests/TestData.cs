namespace Vibe.Crdt.Tests;

/// <summary>Locates the shared data sets next to the repository (../shared/data from the solution directory).</summary>
internal static class TestData
{
    public static string Dir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Vibe.sln"))) dir = dir.Parent;
            if (dir == null) throw new DirectoryNotFoundException("Vibe.sln not found above " + AppContext.BaseDirectory);
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "crdt"));
        }
    }

    public static string PathOf(string name) => Path.Combine(Dir, name);
}
