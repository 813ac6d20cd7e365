using FbTokens.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Cli.Tests.Framework;

/// <summary>Runs the tool in-process against an emulator, with a fake clock, no user secrets and a controlled environment.</summary>
public sealed class CliHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    public CliHarness()
    {
        Emulator = new GraphTokenEmulator(Time);
        Environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["FbTokens__AppId"] = Emulator.DefaultApp.AppId,
            ["FbTokens__AppSecret"] = Emulator.DefaultApp.AppSecret,
            // Retries would wait on the fake clock; every test sees the first answer.
            ["FbTokens__Resilience__MaxRetryAttempts"] = "0",
        };
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public GraphTokenEmulator Emulator { get; }

    public Dictionary<string, string?> Environment { get; }

    public string AppSecret => Emulator.DefaultApp.AppSecret;

    /// <summary>What the next runs read on standard input; null is an empty one.</summary>
    public string? StandardInput { get; set; }

    /// <summary>Runs against the emulator's in-memory handler.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithAsync(Emulator.CreateHttpMessageHandler, args);

    /// <summary>Runs over real sockets (Kestrel emulator or an unreachable port).</summary>
    public Task<CliResult> RunOverNetworkAsync(params string[] args) => RunWithAsync(null, args);

    public async Task<CliResult> RunWithAsync(Func<HttpMessageHandler>? handler, string[] args, CancellationToken cancellationToken = default)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader(StandardInput ?? string.Empty);
        var host = new CliHost
        {
            StandardInput = stdin,
            CreatePrimaryHandler = handler,
            Environment = Environment,
            UseUserSecrets = false,
            TimeProvider = Time,
            TimeZone = TimeZoneInfo.Utc,
        };
        var exitCode = await CliApp.RunAsync(args, stdout, stderr, host, cancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
