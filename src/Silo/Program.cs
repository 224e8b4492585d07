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
        var provider = VibeSchema.ProviderOf(options);
        var applied = await new SchemaMigrator(loggers.CreateLogger<SchemaMigrator>()).MigrateAsync(options);
        Console.WriteLine(applied.Count == 0
            ? $"{provider}: schema is up to date."
            : $"{provider}: applied {string.Join(", ", applied)}.");
        return 0;
    }
    case null:
    {
        await VibeSchema.MigrateOnStartAsync(options);
        builder.UseOrleans(silo => silo.AddVibeSilo(options));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        await builder.Build().RunAsync();
        return 0;
    }
    default:
        Console.Error.WriteLine($"Unknown command '{command}'. Commands: migrate (apply the database schema); none runs a silo.");
        return 2;
}
