using Vibe.Web;
using Vibe.Web.Hosting;

InlineIo.PreferForThisProcess();
var app = await VibeHost.BuildAsync(args);
await app.RunAsync();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
