using System.CommandLine;
using System.Globalization;
using Polly;

namespace FbTokens.Cli;

/// <summary>One running command: its parse result, output and cancellation.</summary>
internal sealed record CommandCall(ParseResult Parse, CliOutput Output, CancellationToken CancellationToken);

internal sealed partial class CliCommands
{
    private CliOutput CreateOutput(ParseResult parse) =>
        new(_stdout, _stderr, parse.GetValue(_json), parse.GetValue(_showTokens), parse.GetValue(_verbose));

    /// <summary>Sets an action that gets FbTokens services; every failure becomes one line on stderr and an exit code.</summary>
    /// <remarks>A command that needs the app secret gets <c>--app-secret-stdin</c>.</remarks>
    private void SetGraphAction(Command command, bool needsSecret, Func<CommandCall, GraphSession, Task<int>> body, Action<ParseResult, IFbTokensBuilder>? configure = null)
    {
        var secretFromStdin = needsSecret ? AddAppSecretStdinOption(command) : null;
        SetAction(command, async call =>
        {
            string? secret = null;
            if (secretFromStdin is not null && call.Parse.GetValue(secretFromStdin))
            {
                secret = await AppSecretInput.ReadAsync(_host.StandardInput, _stderr, call.CancellationToken).ConfigureAwait(false);
                call.Output.Hide(secret);
            }

            var settings = new GlobalSettings(call.Parse.GetValue(_appId), secret, call.Parse.GetValue(_graphUrl), call.Parse.GetValue(_graphVersion));
            var session = GraphSession.Open(settings, _host, call.Output, needsSecret, configure is null ? null : builder => configure(call.Parse, builder));
            await using (session.ConfigureAwait(false))
            {
                return await body(call, session).ConfigureAwait(false);
            }
        });
    }

    private void SetAction(Command command, Func<CommandCall, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = CreateOutput(parse);
            try
            {
                return await body(new CommandCall(parse, output, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return Report(output, ex, cancellationToken);
            }
        });

    private static int Report(CliOutput output, Exception exception, CancellationToken cancellationToken)
    {
        var (exitCode, kind, message) = Classify(exception, cancellationToken);
        output.Error(message);
        if (output.Verbose)
        {
            output.ErrorDetails(exception.ToString());
        }

        if (output.Json)
        {
            var graph = exception as GraphApiException;
            output.Write(
                new ErrorOutput(new ErrorDetail(
                    exitCode, kind, message, graph?.Code, graph?.Subcode, (exception as GraphAuthException)?.Reason.ToString(),
                    (exception as GraphRateLimitException)?.RetryAfter?.TotalSeconds, graph?.FbTraceId)),
                CliJsonContext.Default.ErrorOutput);
        }

        return exitCode;
    }

    private static (int ExitCode, string Kind, string Message) Classify(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CliUsageException e => (ExitCodes.Usage, "usage", e.Message),
        ArgumentException e => (ExitCodes.Usage, "usage", e.Message),
        // The client's "needs FbTokens:AppSecret" when a setting is missing.
        InvalidOperationException e when e.Message.Contains("FbTokens:", StringComparison.Ordinal) => (ExitCodes.Usage, "usage", e.Message),
        GraphAuthException e => (ExitCodes.TokenInvalid, "token_invalid", string.Create(CultureInfo.InvariantCulture, $"the token is invalid: {e.Reason} (Graph error {e.Code}/{Subcode(e)}): {e.Message}")),
        GraphRateLimitException e => (ExitCodes.RateLimited, "rate_limited", string.Create(CultureInfo.InvariantCulture, $"rate limited by Graph (error {e.Code}){(e.RetryAfter is { } after ? $", retry after {after.TotalSeconds:0} s" : string.Empty)}: {e.Message}")),
        GraphApiException e => (ExitCodes.GraphError, "graph_error", string.Create(CultureInfo.InvariantCulture, $"Graph error {e.Code}/{Subcode(e)} ({e.ErrorType ?? "-"}): {e.Message}")),
        GraphProtocolException e => (ExitCodes.Network, "protocol_error", "Graph's answer is not what Graph sends (proxy, captive portal or wrong --graph-url?): " + e.Message),
        HttpRequestException e => (ExitCodes.Network, "network_error", "could not reach Graph: " + e.Message),
        ExecutionRejectedException e => (ExitCodes.Network, "network_error", "Graph did not answer in time or keeps failing: " + e.Message),
        OperationCanceledException when cancellationToken.IsCancellationRequested => (ExitCodes.Cancelled, "cancelled", "cancelled"),
        OperationCanceledException or TimeoutException => (ExitCodes.Network, "network_error", "Graph did not answer in time: " + exception.Message),
        _ => (ExitCodes.Unexpected, "unexpected", $"unexpected {exception.GetType().Name}: {exception.Message} (run with --verbose for details)"),
    };

    private static string Subcode(GraphApiException e) => e.Subcode?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
