using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// The events behind <see cref="FbTokensOAuthOptionsExtensions.SaveFbTokens"/>: saves the token in <see cref="CreatingTicket"/>,
/// then runs the events the host had (<see cref="_inner"/>, when that was an <see cref="OAuthEvents"/> subclass) and the
/// delegates set on this object (copied from a plain <see cref="OAuthEvents"/>, or set by the host afterwards).
/// </summary>
internal sealed class FbTokensOAuthEvents : OAuthEvents
{
    private readonly OAuthEvents? _inner;

    private FbTokensOAuthEvents(OAuthEvents? inner, bool includePageTokens)
    {
        _inner = inner;
        IncludePageTokens = includePageTokens;
    }

    public bool IncludePageTokens { get; set; }

    public static FbTokensOAuthEvents Wrap(OAuthEvents? previous, bool includePageTokens)
    {
        if (previous is null || previous.GetType() == typeof(OAuthEvents))
        {
            var events = new FbTokensOAuthEvents(null, includePageTokens);
            if (previous is not null)
            {
                events.OnCreatingTicket = previous.OnCreatingTicket;
                events.OnRedirectToAuthorizationEndpoint = previous.OnRedirectToAuthorizationEndpoint;
                events.OnAccessDenied = previous.OnAccessDenied;
                events.OnRemoteFailure = previous.OnRemoteFailure;
                events.OnTicketReceived = previous.OnTicketReceived;
            }

            return events;
        }

        return new FbTokensOAuthEvents(previous, includePageTokens);
    }

    public override async Task CreatingTicket(OAuthCreatingTicketContext context)
    {
        await SaveAsync(context).ConfigureAwait(false);
        if (_inner is not null)
        {
            await _inner.CreatingTicket(context).ConfigureAwait(false);
        }

        await base.CreatingTicket(context).ConfigureAwait(false);
    }

    public override Task RedirectToAuthorizationEndpoint(RedirectContext<OAuthOptions> context) =>
        _inner?.RedirectToAuthorizationEndpoint(context) ?? base.RedirectToAuthorizationEndpoint(context);

    public override Task AccessDenied(AccessDeniedContext context) =>
        _inner?.AccessDenied(context) ?? base.AccessDenied(context);

    public override Task RemoteFailure(RemoteFailureContext context) =>
        _inner?.RemoteFailure(context) ?? base.RemoteFailure(context);

    public override Task TicketReceived(TicketReceivedContext context) =>
        _inner?.TicketReceived(context) ?? base.TicketReceived(context);

    private async Task SaveAsync(OAuthCreatingTicketContext context)
    {
        var services = context.HttpContext.RequestServices;
        var manager = services.GetService<IGraphTokenManager>()
            ?? throw new InvalidOperationException("SaveFbTokens() needs the token manager: call AddFbTokens(...).AddTokenManager().");
        var claimType = services.GetService<IOptions<FacebookUserTokenOptions>>()?.Value.UserIdClaimType ?? ClaimTypes.NameIdentifier;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(AspNetCoreLog.Category);
        var accessToken = context.AccessToken;
        if (string.IsNullOrEmpty(accessToken))
        {
            throw new InvalidOperationException("The sign-in returned no access token to save.");
        }

        var includePages = IncludePageTokens;
        var stored = await manager.SaveUserTokenAsync(accessToken, includePages, context.HttpContext.RequestAborted).ConfigureAwait(false);
        var userId = stored.Key.SubjectId;
        var scheme = context.Scheme.Name;
        var claimed = context.Principal?.FindFirst(claimType)?.Value;
        if (claimed is null)
        {
            var identity = context.Identity
                ?? throw new InvalidOperationException("The sign-in has no identity to add the Facebook user id claim to.");
            identity.AddClaim(new Claim(claimType, userId, ClaimValueTypes.String, context.Options.ClaimsIssuer ?? scheme));
            AspNetCoreLog.SignInUserIdClaimAdded(logger, claimType, userId, scheme);
        }
        else if (!string.Equals(claimed, userId, StringComparison.Ordinal))
        {
            AspNetCoreLog.SignInUserIdMismatch(logger, scheme, claimType, claimed, userId);
            throw new InvalidOperationException("The signed-in user's id claim names another user than the access token.");
        }

        AspNetCoreLog.SignInTokenSaved(logger, userId, scheme, includePages);
    }
}
