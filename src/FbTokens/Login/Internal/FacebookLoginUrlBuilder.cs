using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Builds Login dialog URLs and checks callback states. Stateless apart from a per-process record of accepted
/// states, kept until they expire, which turns a replay reaching the same instance into <see cref="FacebookLoginStateFailure.Reused"/>.
/// </summary>
internal sealed class FacebookLoginUrlBuilder : IFacebookLoginUrlBuilder
{
    /// <summary>256 random bits: 43 base64url characters.</summary>
    internal const int StateBytes = 32;

    // A state created this far in the future was not created by this app's clock: treat it as forged.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly IOptions<FbTokensOptions> _options;
    private readonly IOptions<FacebookLoginOptions> _loginOptions;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accepted = new(StringComparer.Ordinal);

    public FacebookLoginUrlBuilder(IOptions<FbTokensOptions> options, IOptions<FacebookLoginOptions> loginOptions, TimeProvider timeProvider, ILogger<FacebookLoginUrlBuilder> logger)
    {
        _options = options;
        _loginOptions = loginOptions;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public FacebookLoginUrl Build(FacebookLoginRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The parameter names the member at fault ("request.RedirectUri"), not just the record that holds it.
        LoginArgumentChecks.RedirectUri(request.RedirectUri, $"{nameof(request)}.{nameof(request.RedirectUri)}");
        ArgumentNullException.ThrowIfNull(request.Scopes, $"{nameof(request)}.{nameof(request.Scopes)}");
        foreach (var scope in request.Scopes)
        {
            LoginArgumentChecks.Scope(scope, $"{nameof(request)}.{nameof(request.Scopes)}");
        }

        if (request.ConfigId is not null)
        {
            LoginArgumentChecks.ConfigId(request.ConfigId, $"{nameof(request)}.{nameof(request.ConfigId)}");
        }

        var options = _options.Value;
        var state = new FacebookLoginState(NewStateValue(), _timeProvider.GetUtcNow(), request.RedirectUri);

        var query = new StringBuilder(256)
            .Append("client_id=").Append(Uri.EscapeDataString(options.AppId))
            .Append("&redirect_uri=").Append(Uri.EscapeDataString(request.RedirectUri.AbsoluteUri))
            .Append("&state=").Append(state.Value)
            .Append("&response_type=code");
        if (request.Scopes.Count > 0)
        {
            // Facebook documents scope as a comma-separated list; each name is escaped, the separators are not.
            query.Append("&scope=").AppendJoin(',', request.Scopes.Select(Uri.EscapeDataString));
        }

        switch (request.AuthType)
        {
            case FacebookLoginAuthType.Rerequest:
                query.Append("&auth_type=rerequest");
                break;
            case FacebookLoginAuthType.Reauthorize:
                query.Append("&auth_type=reauthorize");
                break;
            case FacebookLoginAuthType.None:
                break;
            default:
                throw new ArgumentException("The auth type is not a known value.", nameof(request));
        }

        if (request.ConfigId is not null)
        {
            query.Append("&config_id=").Append(Uri.EscapeDataString(request.ConfigId));
        }

        var dialog = new Uri(_loginOptions.Value.DialogBaseAddress, options.GraphApiVersion + "/dialog/oauth");
        // From the string, not UriBuilder: its Uri keeps ":443" in OriginalString, which ToString() and JSON show.
        var url = new Uri(dialog.GetLeftPart(UriPartial.Path) + "?" + query);
        Log.LoginUrlBuilt(_logger, request.Scopes.Count, request.AuthType, request.ConfigId is not null);
        return new FacebookLoginUrl(url, state);
    }

    public Uri ValidateCallback(FacebookLoginState? stored, string? returnedState)
    {
        if (stored is null || string.IsNullOrEmpty(stored.Value) || string.IsNullOrEmpty(returnedState))
        {
            throw Reject(FacebookLoginStateFailure.Missing, stored is null || string.IsNullOrEmpty(stored.Value)
                ? "The app kept no login state for this browser (cookie or session lost, blocked or never set)."
                : "The callback has no 'state' parameter.");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored.Value), Encoding.UTF8.GetBytes(returnedState)))
        {
            throw Reject(FacebookLoginStateFailure.Mismatch, "The callback's 'state' does not match the state the app kept: the request may be forged.");
        }

        var now = _timeProvider.GetUtcNow();
        if (stored.CreatedAt > now + ClockSkew)
        {
            throw Reject(FacebookLoginStateFailure.Mismatch, "The kept login state claims to be created in the future: it was not created by this app.");
        }

        var expiresAt = stored.CreatedAt + _loginOptions.Value.StateLifetime;
        if (now >= expiresAt)
        {
            throw Reject(FacebookLoginStateFailure.Expired, string.Create(CultureInfo.InvariantCulture,
                $"The login state expired {(now - expiresAt).TotalSeconds:0} s ago (lifetime {_loginOptions.Value.StateLifetime})."));
        }

        PurgeExpired(now);
        if (!_accepted.TryAdd(Fingerprint(stored.Value), expiresAt))
        {
            throw Reject(FacebookLoginStateFailure.Reused, "The login state was already used for a callback: the request may be replayed.");
        }

        Log.LoginStateAccepted(_logger);
        return stored.RedirectUri;
    }

    internal static string NewStateValue()
    {
        Span<byte> bytes = stackalloc byte[StateBytes];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private FacebookLoginStateException Reject(FacebookLoginStateFailure reason, string message)
    {
        Log.LoginStateRejected(_logger, reason);
        return new FacebookLoginStateException(reason, message);
    }

    private void PurgeExpired(DateTimeOffset now)
    {
        foreach (var entry in _accepted)
        {
            if (entry.Value <= now)
            {
                _accepted.TryRemove(entry);
            }
        }
    }

    // Accepted states are remembered by hash only, so the process never holds a reusable value.
    private static string Fingerprint(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
