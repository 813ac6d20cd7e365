using FbTokens;
using FbTokens.Sample;
using FbTokens.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// With FbTokens__AppId, FbTokens__AppSecret and FbTokens__UserToken set, the sample talks to the real Graph API;
// otherwise it starts the emulator on loopback and runs every flow against it, offline.
var builder = Host.CreateApplicationBuilder(args);

// HTTP logs would show request URLs, which carry tokens: keep the console to what the sample prints.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var section = builder.Configuration.GetSection("FbTokens");
var userToken = section["UserToken"];
var useRealGraph = !string.IsNullOrEmpty(section["AppId"]) && !string.IsNullOrEmpty(section["AppSecret"]) && !string.IsNullOrEmpty(userToken);

await using var emulator = useRealGraph ? null : new GraphTokenEmulator();
if (emulator is null)
{
    builder.Services.AddFbTokens(section);
    Console.WriteLine("Running against the real Graph API.");
}
else
{
    var baseAddress = await emulator.StartServerAsync();
    builder.Services.AddFbTokens(o =>
    {
        o.AppId = emulator.DefaultApp.AppId;
        o.AppSecret = emulator.DefaultApp.AppSecret;
        o.GraphBaseAddress = baseAddress;
        o.PageSize = 10; // 30 pages in pages of 10: the paging is visible.
    });
    Console.WriteLine($"Running against the embedded Graph emulator at {baseAddress} (set FbTokens__AppId, FbTokens__AppSecret and FbTokens__UserToken to use the real Graph API).");
}

using var host = builder.Build();
await host.StartAsync();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var client = host.Services.GetRequiredService<IGraphTokenClient>();

var scenario = emulator is null
    ? new SampleScenario
    {
        UserToken = userToken,
        RedirectUri = section["RedirectUri"] is { Length: > 0 } redirect ? new Uri(redirect) : new Uri("https://localhost/"),
        RunClientCodeFlow = !string.IsNullOrEmpty(section["RedirectUri"]),
    }
    : SampleScenario.ForEmulator(emulator, pageCount: 30);

int exitCode;
try
{
    exitCode = await SampleFlow.RunAsync(client, scenario, Console.Out, lifetime.ApplicationStopping);
}
catch (GraphApiException ex)
{
    // The exception's message never holds a token or the secret.
    Console.Error.WriteLine($"Graph refused a call: {ex.Message}");
    exitCode = 2;
}

await host.StopAsync();
return exitCode;
