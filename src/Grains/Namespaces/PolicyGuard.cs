using Vibe.Contracts.Errors;
using Vibe.Contracts.Namespaces;

namespace Vibe.Grains.Namespaces;

/// <summary>Checks a namespace call against the project's security policy before any service sees it.</summary>
public sealed class PolicyGuard(Func<NamespacePolicy> policy)
{
    public void CheckRead(string path)
    {
        if (!policy().Readable.Any(p => NamespacePath.IsWithin(path, p)))
            throw new VibeException(VibeErrorCodes.PathNotReadable, $"The project's policy does not allow reading {path}.");
    }

    public void CheckWrite(string path)
    {
        if (!policy().Writable.Any(p => NamespacePath.IsWithin(path, p)))
            throw new VibeException(VibeErrorCodes.PathNotWritable, $"The project's policy does not allow writing {path}.");
    }

    public void CheckSize(string path, long size)
    {
        var max = policy().MaxFileBytes;
        if (size > max)
            throw new VibeException(VibeErrorCodes.FileTooLarge, $"{path} is {size} bytes; the project's limit is {max} bytes.");
    }
}
