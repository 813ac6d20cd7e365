namespace FbTokens.Cli;

/// <summary>
/// What the tool takes from its surroundings, so that tests can run it in-process: the HTTP handler, the environment,
/// standard input, user secrets, the clock and the local time zone. <see cref="Default"/> is the real process.
/// </summary>
internal sealed class CliHost
{
    /// <summary>The real process: sockets, process environment, user secrets, system clock and time zone.</summary>
    public static CliHost Default { get; } = new();

    /// <summary>Creates the primary handler of the Graph client (e.g. the emulator's in-memory handler); null uses sockets.</summary>
    public Func<HttpMessageHandler>? CreatePrimaryHandler { get; init; }

    /// <summary>Environment variables to read settings from (<c>FbTokens__AppId</c>, …); null reads the process environment.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Standard input, read by <c>--app-secret-stdin</c>; null reads the console (without echo from a terminal).</summary>
    public TextReader? StandardInput { get; init; }

    /// <summary>Whether to read user secrets (<c>dotnet user-secrets</c> with the tool's UserSecretsId).</summary>
    public bool UseUserSecrets { get; init; } = true;

    /// <summary>The clock for "in N days" and for the emulator.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The zone dates are shown in.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
}
