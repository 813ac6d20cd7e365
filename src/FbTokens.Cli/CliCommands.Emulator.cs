using System.CommandLine;
using System.Globalization;
using FbTokens.Testing;

namespace FbTokens.Cli;

internal sealed partial class CliCommands
{
    private Command EmulatorCommand()
    {
        var port = new Option<int>("--port") { Description = "The loopback port to listen on; 0 picks a free one.", DefaultValueFactory = _ => 0 };
        var pages = new Option<int>("--pages") { Description = "How many pages the test user has a role on.", DefaultValueFactory = _ => 3 };
        port.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && int.TryParse(r.Tokens[^1].Value, out var value) && value is < 0 or > 65535)
            {
                r.AddError("--port must be between 0 and 65535.");
            }
        });
        pages.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && int.TryParse(r.Tokens[^1].Value, out var value) && value is < 0 or > 1000)
            {
                r.AddError("--pages must be between 0 and 1000.");
            }
        });
        var redirectUris = new Option<string[]>("--redirect-uri")
        {
            Description = "A Valid OAuth Redirect URI of the emulated app; repeat it for more. Without one the Login dialog accepts any http(s) redirect URI.",
        };
        var deauthorizeUrl = new Option<string?>("--deauthorize-url") { Description = "The app's deauthorize callback: removing the app (POST /_emulator/apps/{app}/users/{user}/remove) posts a signed_request there." };
        var dataDeletionUrl = new Option<string?>("--data-deletion-url") { Description = "The app's data-deletion callback (POST /_emulator/apps/{app}/users/{user}/data-deletion posts a signed_request there)." };
        var mintCode = new Option<string?>("--mint-code") { Description = "Mint a login code for the test user at start, bound to this redirect URI, and print it (more later with POST /_emulator/codes)." };
        var command = new Command("emulator", "Run the Graph token emulator on 127.0.0.1 until Ctrl+C, with a test user, pages and their tokens, the Login dialog and admin routes under /_emulator/.")
        {
            port, pages, redirectUris, deauthorizeUrl, dataDeletionUrl, mintCode,
        };
        SetAction(command, async call =>
        {
            // Checked before anything starts, so a typo is a usage error, not a half-configured emulator.
            var registered = (call.Parse.GetValue(redirectUris) ?? []).Select(u => ParseUrl(u, "--redirect-uri")).ToArray();
            var deauthorize = call.Parse.GetValue(deauthorizeUrl) is { } d ? ParseUrl(d, "--deauthorize-url") : null;
            var dataDeletion = call.Parse.GetValue(dataDeletionUrl) is { } dd ? ParseUrl(dd, "--data-deletion-url") : null;
            var codeRedirect = call.Parse.GetValue(mintCode) is { } m ? ParseUrl(m, "--mint-code") : null;
            var emulator = new GraphTokenEmulator(_host.TimeProvider, new GraphTokenEmulatorOptions { EnableAdminRoutes = true });
            await using (emulator.ConfigureAwait(false))
            {
                var app = emulator.DefaultApp;
                app.ValidOAuthRedirectUris = registered;
                app.DeauthorizeCallbackUri = deauthorize;
                app.DataDeletionCallbackUri = dataDeletion;
                var baseAddress = await emulator.StartServerAsync(call.Parse.GetValue(port), call.CancellationToken).ConfigureAwait(false);
                var user = emulator.CreateTestUser("Emulator Test User");
                var pageIds = emulator.CreatePages(user.Id, call.Parse.GetValue(pages)).Select(p => p.Id).ToList();
                var longLived = emulator.IssueUserToken(user.Id, longLived: true);
                var code = codeRedirect is null ? null : emulator.CreateAuthorizationCode(user.Id, codeRedirect);
                var loginDialog = new Uri(baseAddress, FbTokensOptions.DefaultGraphApiVersion + "/dialog/oauth");
                var admin = new Uri(baseAddress, "_emulator/");
                var output = call.Output;

                // The emulator's secret and tokens are made up for this run: they are printed in full so they can be used.
                if (output.Json)
                {
                    output.Write(new EmulatorOutput(baseAddress, app.AppId, app.AppSecret, user.Id, user.Name, user.AccessToken, longLived, pageIds, loginDialog, admin, code), CliJsonContext.Default.EmulatorOutput);
                }
                else
                {
                    output.Field("Graph emulator", baseAddress.AbsoluteUri);
                    output.Field("App ID", app.AppId);
                    output.Field("App secret", app.AppSecret);
                    output.Field("Test user", string.Create(CultureInfo.InvariantCulture, $"{user.Id} ({user.Name}), {pageIds.Count} page(s)"));
                    output.Field("User token", user.AccessToken);
                    output.Field("Long-lived token", longLived);
                    output.Field("Login dialog", loginDialog.AbsoluteUri);
                    output.Field("Admin routes", admin.AbsoluteUri + " (POST codes, apps/{app}/users/{user}/remove, apps/{app}/users/{user}/data-deletion)");
                    if (code is not null)
                    {
                        output.Field("Login code", code);
                    }

                    output.Line();
                    // The secret in the environment, as a real one should be: never an option value, which shell history keeps.
                    output.Line(string.Create(CultureInfo.InvariantCulture, $"Try: FbTokens__AppSecret={app.AppSecret} fbtokens debug {user.AccessToken} --graph-url {baseAddress.AbsoluteUri} --app-id {app.AppId}"));
                    output.Line("Press Ctrl+C to stop.");
                }

                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, _host.TimeProvider, call.CancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (call.CancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C is how the emulator is meant to stop.
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Uri ParseUrl(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new CliUsageException(option + " must be an absolute http(s) URL.");
}
