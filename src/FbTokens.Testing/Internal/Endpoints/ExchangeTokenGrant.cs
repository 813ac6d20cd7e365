namespace FbTokens.Testing.Internal;

/// <summary>
/// <c>oauth/access_token</c> with <c>grant_type=fb_exchange_token</c>. A short-lived user token gives a new long-lived
/// one. A long-lived user token gives back the same token and expiry (the field reports in docs/token-kinds.md), or a
/// fresh one when <see cref="GraphTokenEmulatorOptions.LongLivedExchangeExtends"/> is on. A 60-day system-user token
/// with <c>set_token_expires_in_60_days=true</c> gives a new token valid 60 days from now; the old one keeps working
/// until its own expiry.
/// </summary>
internal sealed class ExchangeTokenGrant(EmulatorStore store, RequestAuthenticator auth, GraphTokenEmulatorOptions options)
{
    public EmulatorResponse Handle(EmulatorRequest request, CallContext context)
    {
        if (auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var value = request.Get("fb_exchange_token");
        if (string.IsNullOrEmpty(value))
        {
            return GraphErrors.MissingParameter("fb_exchange_token");
        }

        if (store.FindTokenLocked(value) is not { } token || token.Kind is not (EmulatedTokenKind.User or EmulatedTokenKind.SystemUser))
        {
            return GraphErrors.CannotParseToken();
        }

        context.Token = token;
        if (RequestAuthenticator.CheckUsable(token, context.Now) is { } unusable)
        {
            // An expired 60-day system-user token is forfeited: only a new one from a Business admin helps.
            return unusable;
        }

        if (token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(190, $"Error validating access token: The user has not authorized application {app.App.AppId}.", 458);
        }

        var renew = token.Kind == EmulatedTokenKind.SystemUser
            ? token.ExpiresAt is not null && string.Equals(request.Get("set_token_expires_in_60_days"), "true", StringComparison.OrdinalIgnoreCase)
            : !token.IsLongLived || options.LongLivedExchangeExtends;
        if (!renew)
        {
            // Same token, same expiry: expires_in is what is left (none for a non-expiring system-user token).
            return TokenResponses.Bearer(token, context.Now);
        }

        // Graph returns a new string; the old token keeps working until its own expiry.
        var user = store.UserOf(token);
        var renewed = token.Kind == EmulatedTokenKind.SystemUser
            ? store.IssueSystemUserTokenLocked(user, context.Now)
            : store.IssueUserTokenLocked(user, longLived: true, machineId: null, context.Now);
        context.Token = renewed;
        return TokenResponses.Bearer(renewed, context.Now);
    }
}
