namespace Vibe.Grains.Hosting;

/// <summary>A schema script could not be applied; nothing from that migration run was committed.</summary>
public sealed class SchemaMigrationException : Exception
{
    public SchemaMigrationException(StorageProvider provider, string scriptId, Exception inner)
        : base($"Applying schema script '{scriptId}' to {provider} failed: {inner.Message}", inner)
    {
        Provider = provider;
        ScriptId = scriptId;
    }

    public StorageProvider Provider { get; }

    /// <summary>The script that failed, or <c>connect</c> when the database could not be reached.</summary>
    public string ScriptId { get; }
}
