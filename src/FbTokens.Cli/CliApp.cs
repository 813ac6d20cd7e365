using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FbTokens.Cli;

/// <summary>
/// The <c>fbtokens</c> tool. <see cref="RunAsync"/> is the whole program, callable in-process by tests with their own
/// writers, handler, environment and clock; <c>Program</c> only wires the console and Ctrl+C.
/// </summary>
internal static class CliApp
{
    /// <summary>Runs one command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdout">Where results go.</param>
    /// <param name="stderr">Where errors go, one line each.</param>
    /// <param name="host">The surroundings; <see cref="CliHost.Default"/> when null.</param>
    /// <param name="cancellationToken">Ctrl+C: stops the emulator, cancels Graph calls.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CliHost? host = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var commands = new CliCommands(stdout, stderr, host ?? CliHost.Default);
        var parseResult = commands.Root.Parse(args);
        if (commands.AppSecretRefusal(parseResult) is { } refusal)
        {
            // Alone and first: the command line is wrong whatever else it holds, and a parse error could quote the value.
            await stderr.WriteLineAsync("fbtokens: " + refusal).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await stderr.WriteLineAsync("fbtokens: " + error.Message.ReplaceLineEndings(" ")).ConfigureAwait(false);
            }

            var command = parseResult.CommandResult.Command;
            var path = command == commands.Root ? "fbtokens" : "fbtokens " + command.Name;
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Run '{path} --help' for usage.")).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Program handles Ctrl+C through the cancellation token; tests must not have console handlers installed.
            ProcessTerminationTimeout = null,
            // CliCommands maps every exception to an exit code; nothing reaches System.CommandLine's handler.
            EnableDefaultExceptionHandler = false,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
