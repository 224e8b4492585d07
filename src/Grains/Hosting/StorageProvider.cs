namespace Vibe.Grains.Hosting;

/// <summary>The relational databases Vibe can keep its state in.</summary>
public enum StorageProvider
{
    /// <summary>A single SQLite file: embedded single-node mode (grain storage only).</summary>
    Sqlite,

    /// <summary>PostgreSQL: clustering, grain storage and reminders for a multi-node cluster.</summary>
    Postgres,
}

/// <summary>Names Orleans' ADO.NET providers use for each <see cref="StorageProvider"/>.</summary>
public static class StorageProviderInvariants
{
    /// <summary>Orleans maps this invariant to Microsoft.Data.Sqlite's factory (despite the name).</summary>
    public const string Sqlite = "System.Data.SQLite";

    /// <summary>Orleans maps this invariant to Npgsql's factory.</summary>
    public const string Postgres = "Npgsql";

    /// <summary>The ADO.NET invariant to pass as <c>Invariant</c> in Orleans' ADO.NET provider options.</summary>
    public static string AdoNetInvariant(this StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => Sqlite,
        StorageProvider.Postgres => Postgres,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown storage provider."),
    };
}
