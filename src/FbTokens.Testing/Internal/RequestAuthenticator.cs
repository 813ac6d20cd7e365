using System.Security.Cryptography;
using System.Text;

namespace FbTokens.Testing.Internal;

/// <summary>
/// Who is calling, and may they: the caller's token (the <c>access_token</c> parameter, else the
/// <c>Authorization</c> header), the <c>appsecret_proof</c> that goes with it, and app credentials
/// (<c>client_id</c>/<c>client_secret</c> and <c>{app-id}|{app-secret}</c> pairs). Every method runs under the
/// store's lock; each check returns Graph's error envelope, or null when the call may go on.
/// </summary>
internal sealed class RequestAuthenticator(EmulatorStore store)
{
    /// <summary>
    /// The caller's token: the <c>access_token</c> parameter (form, then query), else the token of an
    /// <c>Authorization</c> header, as Graph reads both; null when neither has one.
    /// </summary>
    public static string? AccessToken(EmulatorRequest request) =>
        request.Get("access_token") ?? TokenFromAuthorization(request.Authorization);

    /// <summary>
    /// The caller's token from <c>Authorization: Bearer {token}</c> or <c>Authorization: OAuth {token}</c> (the
    /// scheme in any case), the two forms Graph accepts; null for any other header.
    /// </summary>
    public static string? TokenFromAuthorization(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return null;
        }

        var scheme = header[..space];
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("OAuth", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[(space + 1)..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>The call's context before any check: the token and app it names (for usage headers and throttles).</summary>
    public CallContext Identify(EmulatorRequest request, DateTimeOffset now)
    {
        var context = new CallContext(now);
        if (AccessToken(request) is { } accessToken)
        {
            context.Token = store.FindTokenLocked(accessToken);
            context.App = AppOfToken(accessToken, context.Token);
        }

        if (request.Get("client_id") is { } clientId && store.FindApp(clientId) is { } byClientId)
        {
            context.App = byClientId;
        }

        return context;
    }

    /// <summary>The app a token value names: the app of an issued token, or of a valid <c>{app-id}|{secret}</c> pair.</summary>
    public AppState? AppOfToken(string accessToken) => AppOfToken(accessToken, store.FindTokenLocked(accessToken));

    public EmulatorResponse? CheckClientId(EmulatorRequest request, out AppState app)
    {
        app = null!;
        var clientId = request.Get("client_id");
        if (string.IsNullOrEmpty(clientId))
        {
            return GraphErrors.OAuth(101, "Missing client_id parameter.");
        }

        if (store.FindApp(clientId) is not { } found)
        {
            return GraphErrors.OAuth(101, "Error validating application. Invalid application ID.");
        }

        app = found;
        return null;
    }

    public static EmulatorResponse? CheckClientSecret(EmulatorRequest request, AppState app)
    {
        var secret = request.Get("client_secret");
        if (string.IsNullOrEmpty(secret))
        {
            return GraphErrors.MissingParameter("client_secret");
        }

        // Graph reports a wrong secret with code 1 (its generic OAuth error), not 190.
        return FixedTimeEquals(secret, app.App.AppSecret) ? null : GraphErrors.OAuth(1, "Error validating client secret.");
    }

    /// <summary>Checks the call's token (present, known, valid) and its <c>appsecret_proof</c>.</summary>
    public EmulatorResponse? CheckAccessToken(EmulatorRequest request, CallContext context, out TokenState token)
    {
        token = null!;
        var value = AccessToken(request);
        if (string.IsNullOrEmpty(value))
        {
            return GraphErrors.AccessTokenRequired();
        }

        if (store.FindTokenLocked(value) is not { } found)
        {
            if (AppFromPair(value) is not { } pairApp)
            {
                return GraphErrors.CannotParseToken();
            }

            // The pair itself acts as the app's token.
            token = new TokenState { Value = pairApp.App.AppAccessToken, Kind = EmulatedTokenKind.App, AppId = pairApp.App.AppId, IssuedAt = context.Now };
            return null;
        }

        if (CheckUsable(found, context.Now) is { } unusable)
        {
            return unusable;
        }

        if (found.Kind != EmulatedTokenKind.App && CheckProof(request, found) is { } proofError)
        {
            return proofError;
        }

        token = found;
        return null;
    }

    /// <summary>Error 190 with the reason's subcode when the token was invalidated or has expired.</summary>
    public static EmulatorResponse? CheckUsable(TokenState token, DateTimeOffset now) =>
        token.InvalidReasonAt(now) is { } reason
            ? GraphErrors.OAuth(190, GraphErrors.InvalidTokenMessage(reason, token, now), (int)reason)
            : null;

    /// <summary>The app of a <c>{app-id}|{app-secret}</c> or <c>{app-id}|{client-token}</c> pair; null for anything else.</summary>
    public AppState? AppFromPair(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || store.FindApp(value[..bar]) is not { } app)
        {
            return null;
        }

        var secret = value[(bar + 1)..];
        return FixedTimeEquals(secret, app.App.AppSecret) || FixedTimeEquals(secret, app.App.ClientToken) ? app : null;
    }

    /// <summary>Graph's <c>appsecret_proof</c>: lower-case hex HMAC-SHA256 of the token, keyed by the app secret.</summary>
    internal static string ComputeProof(string appSecret, string accessToken)
    {
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(accessToken));
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(hash);
#else
        return Convert.ToHexString(hash).ToLowerInvariant();
#endif
    }

    private AppState? AppOfToken(string accessToken, TokenState? token) =>
        token is { } t ? store.FindApp(t.AppId) : AppFromPair(accessToken);

    private EmulatorResponse? CheckProof(EmulatorRequest request, TokenState token)
    {
        var app = store.AppOf(token).App;
        var proof = request.Get("appsecret_proof");
        if (proof is null)
        {
            return app.RequireAppSecretProof ? GraphErrors.MissingAppSecretProof() : null;
        }

        // A proof that is sent is checked even when the app does not require one, as Graph does.
        return FixedTimeEquals(proof, ComputeProof(app.AppSecret, token.Value)) ? null : GraphErrors.InvalidAppSecretProof();
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
