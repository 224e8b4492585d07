using Vibe.Contracts.Errors;

namespace Vibe.Grains.Namespaces;

/// <summary>The namespace's mounts, resolved by longest matching prefix (OANIX, see the seed design).</summary>
public sealed class MountTable
{
    readonly List<(string Prefix, IFileService Service)> _mounts = [];

    public IReadOnlyList<string> Prefixes => _mounts.Select(m => m.Prefix).ToList();

    public MountTable Mount(string prefix, IFileService service)
    {
        prefix = NamespacePath.Normalize(prefix);
        if (_mounts.Any(m => m.Prefix == prefix))
            throw new InvalidOperationException($"{prefix} is already mounted.");
        _mounts.Add((prefix, service));
        // Longest prefix first, so the first match in Resolve is the most specific mount.
        _mounts.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        return this;
    }

    public (string Prefix, IFileService Service) Resolve(string path)
    {
        foreach (var mount in _mounts)
        {
            if (NamespacePath.IsWithin(path, mount.Prefix))
                return mount;
        }
        throw new VibeException(VibeErrorCodes.FileNotFound, $"Nothing is mounted at {path}; mounts are {string.Join(", ", Prefixes)}.");
    }
}
