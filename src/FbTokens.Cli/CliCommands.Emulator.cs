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
        var command = new Command("emulator", "Run the Graph token emulator on 127.0.0.1 until Ctrl+C, with a test user, pages and their tokens.") { port, pages };
        SetAction(command, async call =>
        {
            var emulator = new GraphTokenEmulator(_host.TimeProvider);
            await using (emulator.ConfigureAwait(false))
            {
                var baseAddress = await emulator.StartServerAsync(call.Parse.GetValue(port), call.CancellationToken).ConfigureAwait(false);
                var user = emulator.CreateTestUser("Emulator Test User");
                var pageIds = emulator.CreatePages(user.Id, call.Parse.GetValue(pages)).Select(p => p.Id).ToList();
                var longLived = emulator.IssueUserToken(user.Id, longLived: true);
                var app = emulator.DefaultApp;
                var output = call.Output;

                // The emulator's secret and tokens are made up for this run: they are printed in full so they can be used.
                if (output.Json)
                {
                    output.Write(new EmulatorOutput(baseAddress, app.AppId, app.AppSecret, user.Id, user.Name, user.AccessToken, longLived, pageIds), CliJsonContext.Default.EmulatorOutput);
                }
                else
                {
                    output.Field("Graph emulator", baseAddress.AbsoluteUri);
                    output.Field("App ID", app.AppId);
                    output.Field("App secret", app.AppSecret);
                    output.Field("Test user", string.Create(CultureInfo.InvariantCulture, $"{user.Id} ({user.Name}), {pageIds.Count} page(s)"));
                    output.Field("User token", user.AccessToken);
                    output.Field("Long-lived token", longLived);
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
}
