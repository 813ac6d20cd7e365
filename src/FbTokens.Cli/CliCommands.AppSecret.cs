using System.CommandLine;

namespace FbTokens.Cli;

/// <summary>
/// Where the app secret comes from: the environment (<c>FbTokens__AppSecret</c>), user secrets
/// (<c>FbTokens:AppSecret</c>) or standard input (<c>--app-secret-stdin</c>), never the command line, where shell history
/// and process lists keep it.
/// </summary>
internal sealed partial class CliCommands
{
    /// <summary>The three ways, as error messages and help name them.</summary>
    internal const string AppSecretSources = "set FbTokens__AppSecret, store FbTokens:AppSecret in user secrets ('dotnet user-secrets'), or pipe it to --app-secret-stdin";

    // Kept, hidden, only to refuse it: without the option, "--app-secret x" would be an unknown option, and the
    // parser's error would quote x. ZeroOrOne so that a bare "--app-secret" gets the same answer.
    private readonly Option<string?> _appSecret = new("--app-secret") { Hidden = true, Recursive = true, Arity = ArgumentArity.ZeroOrOne };

    // The commands that need the secret, each with its own --app-secret-stdin; the others (login-url, redeem,
    // emulator) take no secret and don't mention one.
    private readonly Dictionary<Command, Option<bool>> _appSecretStdin = [];

    /// <summary>The refusal of <c>--app-secret</c> anywhere on the command line, or null when there is none.</summary>
    /// <remarks>It never quotes the value, and comes before any other parse error, which could.</remarks>
    internal string? AppSecretRefusal(ParseResult parse)
    {
        if (parse.GetResult(_appSecret) is null)
        {
            return null;
        }

        var command = parse.CommandResult.Command;
        if (command != Root && !_appSecretStdin.ContainsKey(command))
        {
            return $"'{command.Name}' takes no app secret: remove it from the command line (this one was not used; a secret typed there stays in shell history).";
        }

        var example = command == Root ? "fbtokens <command> ..." : $"fbtokens {command.Name} ...";
        return "--app-secret is not accepted on the command line, where shell history and process lists keep it (this one was not used): "
            + AppSecretSources + ", e.g. printf %s \"$SECRET\" | " + example + " --app-secret-stdin.";
    }

    private Option<bool> AddAppSecretStdinOption(Command command)
    {
        var option = new Option<bool>("--app-secret-stdin")
        {
            Description = "Read the app secret from standard input: one line, not echoed (printf %s \"$SECRET\" | fbtokens ... --app-secret-stdin). "
                + "Wins over FbTokens__AppSecret, which wins over user secrets FbTokens:AppSecret. Never printed.",
        };
        command.Options.Add(option);
        _appSecretStdin.Add(command, option);
        return option;
    }
}
