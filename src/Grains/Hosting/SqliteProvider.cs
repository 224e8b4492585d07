using System.Data.Common;

namespace Vibe.Grains.Hosting;

/// <summary>
/// Orleans' ADO.NET storage looks its provider up by invariant name; Microsoft.Data.Sqlite serves the
/// "System.Data.SQLite" invariant that the 10.x persistence provider accepts.
/// </summary>
public static class SqliteProvider
{
    public static void Register() =>
        DbProviderFactories.RegisterFactory(VibeSiloBuilderExtensions.SqliteInvariant, Microsoft.Data.Sqlite.SqliteFactory.Instance);
}
