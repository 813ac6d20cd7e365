namespace FbTokens.Cli;

/// <summary>The tool's exit codes; scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command succeeded.</summary>
    public const int Success = 0;

    /// <summary>Something unexpected failed (a bug): the message says what.</summary>
    public const int Unexpected = 1;

    /// <summary>
    /// Bad arguments or settings: unknown command or option, missing argument, malformed URI, missing app id or secret,
    /// an app secret on the command line (<c>--app-secret</c>), nothing on standard input for <c>--app-secret-stdin</c>.
    /// </summary>
    public const int Usage = 2;

    /// <summary>The token is invalid or expired (a <see cref="GraphAuthException"/>, or <c>debug</c> / <c>status</c> reporting <c>is_valid: false</c>).</summary>
    public const int TokenInvalid = 3;

    /// <summary>Graph rate limited the call.</summary>
    public const int RateLimited = 4;

    /// <summary>Any other Graph error (parameters, permissions, used codes…).</summary>
    public const int GraphError = 5;

    /// <summary>Graph could not be reached, timed out, or answered with something that is not Graph's (HTML, truncated body).</summary>
    public const int Network = 6;

    /// <summary>The user cancelled (Ctrl+C) a command other than <c>emulator</c>.</summary>
    public const int Cancelled = 130;
}

/// <summary>A usage or settings error found by the tool itself: exit code 2, message on one line.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
