using System.Globalization;

namespace FbTokens.Sample;

/// <summary>Runs every FbTokens flow end to end and says what it does, with every token masked.</summary>
public static class SampleFlow
{
    /// <summary>Runs the flow; returns the process exit code (0 when every step did what it should).</summary>
    public static async Task<int> RunAsync(IGraphTokenClient client, SampleScenario scenario, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(output);
        var tokens = new List<(string Label, string Token)>();

        string userToken;
        if (scenario.LoginCode is { } code)
        {
            await output.WriteLineAsync($"1. Exchanging the login code {Mask(code)} for a user token…").ConfigureAwait(false);
            var shortLived = await client.ExchangeCodeAsync(code, scenario.RedirectUri, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"   short-lived user token {Mask(shortLived.AccessToken)}, expires in {Describe(shortLived.ExpiresIn)}").ConfigureAwait(false);
            userToken = shortLived.AccessToken;
        }
        else
        {
            userToken = scenario.UserToken ?? throw new ArgumentException("The scenario needs a login code or a user token.", nameof(scenario));
            await output.WriteLineAsync($"1. Starting from the configured user token {Mask(userToken)}").ConfigureAwait(false);
        }

        tokens.Add(("user token", userToken));

        await output.WriteLineAsync("2. Exchanging it for a long-lived user token…").ConfigureAwait(false);
        var longLived = await client.ExchangeForLongLivedTokenAsync(userToken, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"   long-lived user token {Mask(longLived.AccessToken)}, expires in {Describe(longLived.ExpiresIn)}").ConfigureAwait(false);
        tokens.Add(("long-lived user token", longLived.AccessToken));

        var self = await client.DebugTokenAsync(longLived.AccessToken, cancellationToken).ConfigureAwait(false);
        var userId = self.UserId ?? "me";
        await output.WriteLineAsync($"   it belongs to user {userId} of app {self.AppId} ({self.Application})").ConfigureAwait(false);

        await output.WriteLineAsync("3. Listing the user's pages with their page tokens (Graph pages the list)…").ConfigureAwait(false);
        var pageCount = 0;
        await foreach (var page in client.GetPageTokensAsync(userId, longLived.AccessToken, cancellationToken).ConfigureAwait(false))
        {
            if (!page.HasAccessToken)
            {
                // Graph lists some pages without a page token (the user's tasks do not include one): nothing to use.
                await output.WriteLineAsync($"   page {page.Id} \"{page.Name}\" came without a page token; skipped").ConfigureAwait(false);
                continue;
            }

            pageCount++;
            await output.WriteLineAsync($"   page {page.Id} \"{page.Name}\" ({page.Category}), tasks {string.Join('/', page.Tasks)}, token {Mask(page.AccessToken)}").ConfigureAwait(false);
            tokens.Add(($"page token of {page.Id}", page.AccessToken));
        }

        await output.WriteLineAsync($"   {pageCount} page(s)").ConfigureAwait(false);

        if (scenario.RunClientCodeFlow)
        {
            await output.WriteLineAsync("4. Getting a client code for a device and redeeming it there…").ConfigureAwait(false);
            var clientCode = await client.GetClientCodeAsync(longLived.AccessToken, scenario.RedirectUri, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"   client code {Mask(clientCode.Code)}").ConfigureAwait(false);
            var redeemed = await client.RedeemClientCodeAsync(clientCode.Code, scenario.RedirectUri, machineId: null, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"   device token {Mask(redeemed.AccessToken)}, machine_id {Mask(redeemed.MachineId)}").ConfigureAwait(false);
            tokens.Add(("device token", redeemed.AccessToken));

            var secondCode = await client.GetClientCodeAsync(longLived.AccessToken, scenario.RedirectUri, cancellationToken).ConfigureAwait(false);
            var again = await client.RedeemClientCodeAsync(secondCode.Code, scenario.RedirectUri, redeemed.MachineId, cancellationToken).ConfigureAwait(false);
            var same = string.Equals(again.MachineId, redeemed.MachineId, StringComparison.Ordinal);
            await output.WriteLineAsync($"   second redemption with that machine_id: token {Mask(again.AccessToken)}, same machine_id: {(same ? "yes" : "no")}").ConfigureAwait(false);
            tokens.Add(("second device token", again.AccessToken));
        }
        else
        {
            await output.WriteLineAsync("4. Client-code flow skipped (set FbTokens:RedirectUri to a redirect URI registered for the app to run it)").ConfigureAwait(false);
        }

        await output.WriteLineAsync("5. Getting an app access token…").ConfigureAwait(false);
        var appToken = await client.GetAppAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"   app token {Mask(appToken.AccessToken)}").ConfigureAwait(false);
        tokens.Add(("app token", appToken.AccessToken));

        await output.WriteLineAsync("6. Inspecting every token with debug_token…").ConfigureAwait(false);
        foreach (var (label, token) in tokens)
        {
            var debug = await client.DebugTokenAsync(token, cancellationToken).ConfigureAwait(false);
            var expiry = debug.ExpiresAt is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : "never";
            await output.WriteLineAsync($"   {label} {Mask(token)}: {debug.Type}, valid {debug.IsValid}, expires {expiry}, scopes {string.Join(',', debug.Scopes)}").ConfigureAwait(false);
        }

        if (scenario.InvalidateUserTokensAsync is null)
        {
            await output.WriteLineAsync("7. Invalidation step skipped (only the emulator can invalidate tokens on request)").ConfigureAwait(false);
            await output.WriteLineAsync("Done.").ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync("7. The user changes their password; using the old token again…").ConfigureAwait(false);
        await scenario.InvalidateUserTokensAsync(userId, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var _ in client.GetPageTokensAsync(userId, longLived.AccessToken, cancellationToken).ConfigureAwait(false))
            {
            }

            await output.WriteLineAsync("   the invalidated token was accepted: that is wrong").ConfigureAwait(false);
            return 1;
        }
        catch (GraphAuthException ex)
        {
            await output.WriteLineAsync($"   detected: GraphAuthException code {ex.Code}/{ex.Subcode}, Reason {ex.Reason}, RequiresReauthentication {ex.RequiresReauthentication}").ConfigureAwait(false);
        }

        var afterwards = await client.DebugTokenAsync(longLived.AccessToken, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"   debug_token now says valid {afterwards.IsValid}, reason {afterwards.Error?.Reason}").ConfigureAwait(false);
        await output.WriteLineAsync("Done.").ConfigureAwait(false);
        return afterwards.IsValid ? 1 : 0;
    }

    /// <summary>A token, code or id shown safely: its first four characters and its length.</summary>
    public static string Mask(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)"
        : value.Length < 12 ? "***"
        : string.Concat(value.AsSpan(0, 4), "…(", value.Length.ToString(CultureInfo.InvariantCulture), " chars)");

    private static string Describe(TimeSpan? span) =>
        span is { } s ? (s.TotalDays >= 1 ? $"{s.TotalDays:F1} days" : $"{s.TotalMinutes:F0} minutes").ToString(CultureInfo.InvariantCulture) : "(not given)";
}
