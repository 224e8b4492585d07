using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vibe.Grains.Hosting;

// `migrate` applies the schema and exits; with no command the process runs a headless silo.
var command = args.FirstOrDefault(a => !a.StartsWith('-'));
var settings = args.Where(a => a != command).ToArray();

var builder = Host.CreateApplicationBuilder(settings);
var options = builder.Configuration.GetSection(VibeOptions.Section).Get<VibeOptions>() ?? new VibeOptions();
try
{
    options.Validate();
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

switch (command)
{
    case "migrate":
    {
        using var loggers = LoggerFactory.Create(l => l.AddSimpleConsole());
        var provider = options.IsCluster ? StorageProvider.Postgres : StorageProvider.Sqlite;
        if (!options.IsCluster)
            Directory.CreateDirectory(options.FullDataDir);
        var applied = await new SchemaMigrator(loggers.CreateLogger<SchemaMigrator>())
            .MigrateAsync(provider, options.IsCluster ? options.Postgres! : options.SqliteConnectionString);
        Console.WriteLine(applied.Count == 0
            ? $"{provider}: schema is up to date."
            : $"{provider}: applied {string.Join(", ", applied)}.");
        return 0;
    }
    case null:
    {
        if (options.MigrateOnStart ?? !options.IsCluster)
        {
            if (!options.IsCluster)
                Directory.CreateDirectory(options.FullDataDir);
            await new SchemaMigrator().MigrateAsync(
                options.IsCluster ? StorageProvider.Postgres : StorageProvider.Sqlite,
                options.IsCluster ? options.Postgres! : options.SqliteConnectionString);
        }
        builder.UseOrleans(silo => silo.AddVibeSilo(options));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        await builder.Build().RunAsync();
        return 0;
    }
    default:
        Console.Error.WriteLine($"Unknown command '{command}'. Commands: migrate (apply the database schema); none runs a silo.");
        return 2;
}
