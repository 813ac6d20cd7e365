using FbTokens.Internal;
using Microsoft.AspNetCore.Authentication.OAuth;

namespace FbTokens;

/// <summary>The one-line opt-in that saves Facebook tokens from ASP.NET Core's OAuth-based sign-in handlers.</summary>
public static class FbTokensOAuthOptionsExtensions
{
    /// <summary>
    /// When a person signs in through this handler (<c>AddFacebook</c>, or <c>AddOAuth</c> pointed at Facebook), saves their
    /// access token through <see cref="IGraphTokenManager.SaveUserTokenAsync"/> (exchanged for a long-lived one, and
    /// optionally their page tokens), and makes sure the principal carries the app-scoped user id in
    /// <see cref="FacebookUserTokenOptions.UserIdClaimType"/> (added when missing; a sign-in whose claim names another user
    /// than the token fails), so it maps to <see cref="TokenKey.ForUser"/>. The host's own <c>OnCreatingTicket</c> runs
    /// afterwards, whether it was set before or after this call; events set before the call (delegates, or a whole
    /// <see cref="OAuthEvents"/> subclass) keep running. Replacing <see cref="Microsoft.AspNetCore.Authentication.RemoteAuthenticationOptions.Events"/>
    /// with a new object after this call, or using <c>EventsType</c>, removes the opt-in: call it last.
    /// A failure to save (Graph or the store unavailable, a rejected token) fails the sign-in through the handler's
    /// remote-failure path (<c>OnRemoteFailure</c>). Needs <c>AddFbTokens(...).AddTokenManager()</c>.
    /// </summary>
    /// <param name="options">The handler's options.</param>
    /// <param name="includePageTokens">Also fetch and store the tokens of every page the person manages.</param>
    /// <returns>The options, for chaining.</returns>
    public static OAuthOptions SaveFbTokens(this OAuthOptions options, bool includePageTokens = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Events is FbTokensOAuthEvents events)
        {
            events.IncludePageTokens |= includePageTokens;
            return options;
        }

        options.Events = FbTokensOAuthEvents.Wrap(options.Events, includePageTokens);
        return options;
    }
}
