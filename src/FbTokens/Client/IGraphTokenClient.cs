namespace FbTokens;

/// <summary>
/// Performs every Facebook Graph API token operation a server app needs. Register it with
/// <see cref="FbTokensServiceCollectionExtensions.AddFbTokens(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{FbTokensOptions})"/>
/// and inject it where needed; it is safe to use from many threads at once.
/// </summary>
/// <remarks>
/// Every method checks its arguments before any network call and throws <see cref="ArgumentException"/>
/// (or <see cref="ArgumentNullException"/>) for null, empty, whitespace or control-character tokens and codes
/// and for relative redirect URIs. Graph errors surface as <see cref="GraphApiException"/> or one of its
/// subclasses; responses that are not what Graph sends surface as <see cref="GraphProtocolException"/>.
/// </remarks>
public interface IGraphTokenClient
{
    /// <summary>
    /// Exchanges the authorization <paramref name="code"/> that Facebook Login sent to
    /// <paramref name="redirectUri"/> for a (short-lived) user access token.
    /// </summary>
    /// <param name="code">The single-use code from the login redirect. It is never retried once it may have reached Graph.</param>
    /// <param name="redirectUri">The exact redirect URI used in the login dialog; must be absolute.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The user access token. The code is spent once Graph answers, so odd metadata never costs the token: an unusable
    /// <c>expires_in</c> is logged at Warning and reported as an unknown expiry (see <see cref="AccessTokenResponse"/>).
    /// </returns>
    /// <exception cref="InvalidOperationException"><c>AppSecret</c> is not configured.</exception>
    Task<AccessTokenResponse> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken cancellationToken = default);

    /// <summary>
    /// Exchanges a short-lived user access token for a long-lived one (about 60 days) with
    /// <c>grant_type=fb_exchange_token</c>. The returned token replaces the one passed in.
    /// </summary>
    /// <param name="shortLivedUserToken">A valid, unexpired user access token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The long-lived user access token.</returns>
    /// <exception cref="InvalidOperationException"><c>AppSecret</c> is not configured.</exception>
    Task<LongLivedTokenResponse> ExchangeForLongLivedTokenAsync(string shortLivedUserToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Renews a 60-day Business system-user token before it expires: <c>grant_type=fb_exchange_token</c> with
    /// <c>set_token_expires_in_60_days=true</c>. Graph answers with a new token valid 60 days from now; the old one
    /// keeps working until its own expiry, so deploy the new one, then revoke the old. An expired token cannot be
    /// renewed (a Business admin must generate a new one), and a non-expiring system-user token needs no renewal.
    /// </summary>
    /// <param name="systemUserToken">A valid, unexpired 60-day system-user access token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The token Graph answered with. Check <see cref="AccessTokenResponse.ExpiresAt"/>: a renewal counts only when the
    /// expiry moved forward (for a non-expiring token Graph's answer has no expiry).
    /// </returns>
    /// <exception cref="InvalidOperationException"><c>AppSecret</c> is not configured.</exception>
    Task<LongLivedTokenResponse> RenewSystemUserTokenAsync(string systemUserToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the pages the user has a role on, with a page access token for each, following Graph's cursor
    /// paging lazily as the sequence is enumerated. Page tokens obtained with a long-lived user token do not expire.
    /// </summary>
    /// <param name="userId">The app-scoped user id (digits) or <c>me</c>.</param>
    /// <param name="userAccessToken">The user's access token (preferably long-lived).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>
    /// The pages, in the order Graph returns them. Every page Graph lists with an id and a name is yielded, including
    /// pages Graph lists without a usable page token: those have <see cref="PageTokenResponse.HasAccessToken"/> false and
    /// an empty <see cref="PageTokenResponse.AccessToken"/>, so check it before using or storing the token.
    /// </returns>
    /// <remarks>Arguments are checked when this method is called; requests are made as the sequence is enumerated.
    /// <c>paging.next</c> is only followed while it points at the configured Graph base address. A <c>null</c> entry, or
    /// one without an <c>id</c> or <c>name</c>, cannot be used: it is skipped and logged at Warning instead of failing
    /// the enumeration.</remarks>
    IAsyncEnumerable<PageTokenResponse> GetPageTokensAsync(string userId, string userAccessToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Turns a long-lived user access token into a single-use client code (<c>oauth/client_code</c>) that a
    /// client device can redeem with <see cref="RedeemClientCodeAsync"/>.
    /// </summary>
    /// <param name="longLivedUserToken">A long-lived user access token.</param>
    /// <param name="redirectUri">The redirect URI registered for the app; must be absolute.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The client code.</returns>
    /// <exception cref="InvalidOperationException"><c>AppSecret</c> is not configured.</exception>
    Task<ClientCodeResponse> GetClientCodeAsync(string longLivedUserToken, Uri redirectUri, CancellationToken cancellationToken = default);

    /// <summary>
    /// Redeems a client code for a long-lived user access token, as a client device does. The app secret is
    /// never sent, so this works in an app configured without one. The code is single-use and is never
    /// retried once it may have reached Graph.
    /// </summary>
    /// <param name="code">The client code from <see cref="GetClientCodeAsync"/>.</param>
    /// <param name="redirectUri">The same redirect URI the code was created with; must be absolute.</param>
    /// <param name="machineId">The <c>machine_id</c> this device got from an earlier redemption, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The long-lived token, with the machine id Graph assigned. The code is spent once Graph answers, so odd metadata
    /// never costs the token: it is normalised and logged at Warning (see <see cref="LongLivedTokenResponse"/>).
    /// </returns>
    Task<LongLivedTokenResponse> RedeemClientCodeAsync(string code, Uri redirectUri, string? machineId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inspects a token with <c>debug_token</c>, authenticated with the app token (<c>{app-id}|{app-secret}</c>).
    /// A token that Graph reports invalid is a successful result with <see cref="DebugTokenResponse.IsValid"/> false.
    /// </summary>
    /// <param name="inputToken">The token to inspect.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What Graph knows about the token.</returns>
    /// <exception cref="InvalidOperationException"><c>AppSecret</c> is not configured.</exception>
    Task<DebugTokenResponse> DebugTokenAsync(string inputToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets an app access token with <c>grant_type=client_credentials</c>. App tokens do not expire.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app access token.</returns>
    /// <exception cref="InvalidOperationException"><c>AppSecret</c> is not configured.</exception>
    Task<AccessTokenResponse> GetAppAccessTokenAsync(CancellationToken cancellationToken = default);
}
