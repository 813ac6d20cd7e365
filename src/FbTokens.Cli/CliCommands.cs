using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;

namespace FbTokens.Cli;

/// <summary>The command tree and each command's action.</summary>
internal sealed partial class CliCommands
{
    /// <summary>Facebook's own redirect URI for desktop and manual flows; registered for every app with Login.</summary>
    internal const string DefaultLoginRedirectUri = "https://www.facebook.com/connect/login_success.html";

    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly CliHost _host;

    private readonly Option<string?> _appId = new("--app-id") { Description = "The numeric app id (else FbTokens__AppId or user secrets FbTokens:AppId).", Recursive = true };
    private readonly Option<string?> _graphUrl = new("--graph-url") { Description = "The Graph base address, e.g. the emulator's http://127.0.0.1:5000/ (default https://graph.facebook.com/).", Recursive = true };
    private readonly Option<string?> _graphVersion = new("--graph-version") { Description = "The Graph API version, vNN.N (default " + FbTokensOptions.DefaultGraphApiVersion + ").", Recursive = true };
    private readonly Option<bool> _json = new("--json") { Description = "Print machine-readable JSON (one object per line).", Recursive = true };
    private readonly Option<bool> _showTokens = new("--show-tokens") { Description = "Print tokens and codes in full (masked as first 4 characters + length by default).", Recursive = true };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Print the exception details of an error.", Recursive = true };

    public CliCommands(TextWriter stdout, TextWriter stderr, CliHost host)
    {
        _stdout = stdout;
        _stderr = stderr;
        _host = host;
        // A plain command named "fbtokens", not RootCommand, whose name is the running executable's ("FbTokens.Cli",
        // "dotnet" or "testhost"): help shows "fbtokens ..." however the tool is started.
        Root = new Command("fbtokens", "fbtokens: inspect, exchange and mint Facebook Graph API tokens, build Login URLs, and run a local Graph token emulator. "
            + "Commands that need the app secret read it from FbTokens__AppSecret, user secrets FbTokens:AppSecret or --app-secret-stdin, never from the command line.")
        {
            new HelpOption(), new VersionOption(), _appId, _appSecret, _graphUrl, _graphVersion, _json, _showTokens, _verbose,
            DebugCommand(), StatusCommand(), ExchangeCommand(), PagesCommand(), ClientCodeCommand(), RedeemCommand(), AppTokenCommand(), LoginUrlCommand(), EmulatorCommand(),
        };
    }

    public Command Root { get; }

    private Command DebugCommand()
    {
        var token = new Argument<string>("token") { Description = "The token to inspect (any user, page, app or system-user token)." };
        var command = new Command("debug", "Inspect a token with debug_token, like Facebook's Access Token Debugger. Exit code 3 when it is invalid.") { token };
        SetGraphAction(command, needsSecret: true, async (call, graph) =>
        {
            var value = call.Parse.GetRequiredValue(token);
            var info = await graph.Client.DebugTokenAsync(value, call.CancellationToken).ConfigureAwait(false);
            PrintDebug(call.Output, value, info);
            if (!info.IsValid)
            {
                var reason = info.Error is { } e ? string.Create(CultureInfo.InvariantCulture, $": {e.Reason} (Graph error {e.Code}/{e.Subcode?.ToString(CultureInfo.InvariantCulture) ?? "-"}) {e.Message}") : string.Empty;
                call.Output.Error("the token is invalid" + reason);
                return ExitCodes.TokenInvalid;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private Command ExchangeCommand()
    {
        var token = new Argument<string>("short-lived-token") { Description = "A short-lived user token to exchange for a long-lived one (about 60 days)." };
        var command = new Command("exchange", "Exchange a short-lived user token for a long-lived one (grant_type=fb_exchange_token).") { token };
        SetGraphAction(command, needsSecret: true, async (call, graph) =>
        {
            var result = await graph.Client.ExchangeForLongLivedTokenAsync(call.Parse.GetRequiredValue(token), call.CancellationToken).ConfigureAwait(false);
            PrintToken(call.Output, result.AccessToken, result.TokenType, result.ExpiresIn, result.ExpiresAt, result.MachineId);
            return ExitCodes.Success;
        });
        return command;
    }

    private Command PagesCommand()
    {
        var userId = new Argument<string>("user-id") { Description = "The app-scoped user id, or 'me'." };
        var token = new Argument<string>("token") { Description = "The user's token (long-lived for page tokens that never expire)." };
        var command = new Command("pages", "List the pages the user has a role on, with their page tokens (/{user-id}/accounts, all pages).") { userId, token };
        SetGraphAction(command, needsSecret: true, async (call, graph) =>
        {
            var id = call.Parse.GetRequiredValue(userId);
            var pages = new List<PageTokenResponse>();
            var tokenless = new List<string>();
            await foreach (var page in graph.Client.GetPageTokensAsync(id, call.Parse.GetRequiredValue(token), call.CancellationToken).ConfigureAwait(false))
            {
                // A page Graph listed without a page token has nothing to print as a token: named once below instead.
                if (page.HasAccessToken)
                {
                    pages.Add(page);
                }
                else
                {
                    tokenless.Add(page.Id);
                }
            }

            var output = call.Output;
            if (output.Json)
            {
                var items = pages.Select(p => new PageOutput(p.Id, p.Name, p.Category, p.Tasks, output.Token(p.AccessToken))).ToList();
                output.Write(new PagesOutput(id, items.Count, items), CliJsonContext.Default.PagesOutput);
            }
            else
            {
                output.Line(string.Create(CultureInfo.InvariantCulture, $"{pages.Count} page(s) for user {id}"));
                foreach (var p in pages)
                {
                    output.Line(string.Create(CultureInfo.InvariantCulture, $"{p.Id}  {p.Name}  [{p.Category ?? "-"}]  tasks: {string.Join(",", p.Tasks)}  token: {output.Token(p.AccessToken)}"));
                }

                if (tokenless.Count > 0)
                {
                    output.Line(string.Create(CultureInfo.InvariantCulture, $"{tokenless.Count} page(s) listed without a page token, left out: {string.Join(", ", tokenless)}"));
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private Command ClientCodeCommand()
    {
        var token = new Argument<string>("token") { Description = "A long-lived user token held by the server." };
        var redirect = RedirectUriOption(required: true);
        var command = new Command("client-code", "Get a client code (oauth/client_code) for a device to redeem with 'redeem'.") { token, redirect };
        SetGraphAction(command, needsSecret: true, async (call, graph) =>
        {
            var result = await graph.Client.GetClientCodeAsync(call.Parse.GetRequiredValue(token), ParseRedirect(call.Parse.GetValue(redirect)), call.CancellationToken).ConfigureAwait(false);
            var output = call.Output;
            if (output.Json)
            {
                output.Write(new ClientCodeOutput(output.Token(result.Code), result.MachineId), CliJsonContext.Default.ClientCodeOutput);
            }
            else
            {
                output.Field("Code", output.Token(result.Code));
                output.Field("Machine ID", result.MachineId);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private Command RedeemCommand()
    {
        var code = new Argument<string>("code") { Description = "The client code from 'client-code'." };
        var redirect = RedirectUriOption(required: true);
        var machineId = new Option<string?>("--machine-id") { Description = "The machine_id a previous redemption on this device returned." };
        var command = new Command("redeem", "Redeem a client code for a long-lived token, as a device does (no app secret sent).") { code, redirect, machineId };
        SetGraphAction(command, needsSecret: false, async (call, graph) =>
        {
            var result = await graph.Client.RedeemClientCodeAsync(call.Parse.GetRequiredValue(code), ParseRedirect(call.Parse.GetValue(redirect)), call.Parse.GetValue(machineId), call.CancellationToken).ConfigureAwait(false);
            PrintToken(call.Output, result.AccessToken, result.TokenType, result.ExpiresIn, result.ExpiresAt, result.MachineId);
            return ExitCodes.Success;
        });
        return command;
    }

    private Command AppTokenCommand()
    {
        var command = new Command("app-token", "Get an app access token (grant_type=client_credentials).");
        SetGraphAction(command, needsSecret: true, async (call, graph) =>
        {
            var result = await graph.Client.GetAppAccessTokenAsync(call.CancellationToken).ConfigureAwait(false);
            PrintToken(call.Output, result.AccessToken, result.TokenType, result.ExpiresIn, result.ExpiresAt, machineId: null);
            return ExitCodes.Success;
        });
        return command;
    }

    private Command LoginUrlCommand()
    {
        var redirect = RedirectUriOption(required: false);
        redirect.Description += " Default: " + DefaultLoginRedirectUri + ".";
        var scope = new Option<string[]>("--scope") { Description = "A permission to ask for; repeat it or separate with commas (e.g. --scope email,pages_show_list).", AllowMultipleArgumentsPerToken = true };
        var rerequest = new Option<bool>("--rerequest") { Description = "Ask again for permissions the person declined (auth_type=rerequest)." };
        var configId = new Option<string?>("--config-id") { Description = "A Facebook Login for Business configuration id (config_id)." };
        var command = new Command("login-url", "Build a Facebook Login dialog URL (server-side code flow) with a fresh CSRF state.") { redirect, scope, rerequest, configId };
        SetGraphAction(command, needsSecret: false, (call, graph) =>
        {
            var scopes = (call.Parse.GetValue(scope) ?? [])
                .SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            var request = new FacebookLoginRequest(ParseRedirect(call.Parse.GetValue(redirect) ?? DefaultLoginRedirectUri))
            {
                Scopes = scopes,
                AuthType = call.Parse.GetValue(rerequest) ? FacebookLoginAuthType.Rerequest : FacebookLoginAuthType.None,
                ConfigId = call.Parse.GetValue(configId),
            };
            var login = graph.Login.Build(request);
            var expiresAt = login.State.CreatedAt + graph.LoginOptions.StateLifetime;
            var output = call.Output;
            if (output.Json)
            {
                output.Write(new LoginUrlOutput(login.Url, login.State.Value, login.State.RedirectUri, login.State.CreatedAt, expiresAt), CliJsonContext.Default.LoginUrlOutput);
            }
            else
            {
                output.Line(login.Url.AbsoluteUri);
                output.Field("State", login.State.Value);
                output.Field("State expires", TokenText.LocalDate(expiresAt, _host.TimeZone));
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Option<string?> RedirectUriOption(bool required) =>
        new("--redirect-uri") { Description = "The redirect URI registered for the app (absolute).", Required = required };

    private static Uri ParseRedirect(string? value)
    {
        // Scheme check too: on Unix "/path" parses as an absolute file:// URI.
        if (value is null || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliUsageException("--redirect-uri must be an absolute http(s) URI, exactly as registered for the app.");
        }

        return uri;
    }

    private void PrintDebug(CliOutput output, string token, DebugTokenResponse info)
    {
        if (output.Json)
        {
            var error = info.Error is { } e ? new DebugErrorOutput(e.Code, e.Subcode, e.Reason.ToString(), e.Message) : null;
            output.Write(
                new DebugOutput(
                    output.Token(token), info.IsValid, info.AppId, info.Application, info.Type, info.UserId, info.ProfileId,
                    info.IssuedAt, info.ExpiresAt, info.IsValid && info.ExpiresAt is null, info.DataAccessExpiresAt, info.Scopes,
                    info.GranularScopes.Select(g => new GranularScopeOutput(g.Scope, g.TargetIds)).ToList(), error),
                CliJsonContext.Default.DebugOutput);
            return;
        }

        var now = _host.TimeProvider.GetUtcNow();
        output.Field("Token", output.Token(token));
        output.Field("Valid", info.IsValid ? "True" : "False");
        output.Field("Type", info.Type);
        output.Field("App ID", string.IsNullOrEmpty(info.Application) ? info.AppId : $"{info.AppId} : {info.Application}");
        output.Field("User ID", info.UserId);
        if (info.ProfileId is not null)
        {
            output.Field("Profile ID", info.ProfileId);
        }

        output.Field("Issued", info.IssuedAt is { } issued ? $"{TokenText.LocalDate(issued, _host.TimeZone)} ({TokenText.Relative(issued, now)})" : null);
        output.Field("Expires", info.ExpiresAt is { } expires ? $"{TokenText.LocalDate(expires, _host.TimeZone)} ({TokenText.Relative(expires, now)})" : info.IsValid ? "Never" : null);
        output.Field("Data access expires", info.DataAccessExpiresAt is { } data ? $"{TokenText.LocalDate(data, _host.TimeZone)} ({TokenText.Relative(data, now)})" : info.IsValid ? "Never" : null);
        output.Field("Scopes", info.Scopes.Count == 0 ? null : string.Join(", ", info.Scopes));
        output.Field("Granular scopes", info.GranularScopes.Count == 0 ? null
            : string.Join("; ", info.GranularScopes.Select(g => g.TargetIds.Count == 0 ? g.Scope : $"{g.Scope}: {string.Join(", ", g.TargetIds)}")));
        if (info.Error is { } error2)
        {
            output.Field("Error", string.Create(CultureInfo.InvariantCulture, $"{error2.Code}/{error2.Subcode?.ToString(CultureInfo.InvariantCulture) ?? "-"} {error2.Reason}: {error2.Message}"));
        }
    }

    private void PrintToken(CliOutput output, string accessToken, string tokenType, TimeSpan? expiresIn, DateTimeOffset? expiresAt, string? machineId)
    {
        if (output.Json)
        {
            output.Write(new TokenOutput(output.Token(accessToken), tokenType, expiresIn is { } e ? (long)e.TotalSeconds : null, expiresAt, machineId), CliJsonContext.Default.TokenOutput);
            return;
        }

        var now = _host.TimeProvider.GetUtcNow();
        output.Field("Access token", output.Token(accessToken));
        output.Field("Token type", tokenType);
        output.Field("Expires", expiresAt is { } at ? $"{TokenText.LocalDate(at, _host.TimeZone)} ({TokenText.Relative(at, now)})" : "Never");
        if (machineId is not null)
        {
            output.Field("Machine ID", machineId);
        }
    }
}
