using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// The hit path of <see cref="IGraphTokenManager.GetTokenAsync"/>, run on every Graph call a host makes: a stored, valid,
/// unexpired token that is not due for refresh is handed out synchronously, without allocating, when the store answers
/// synchronously. App tokens come from <see cref="AppTokenProvider"/>; everything else from <see cref="TokenRefresher"/>.
/// </summary>
internal sealed class TokenReader
{
    private readonly ITokenStore _store;
    private readonly TokenRefresher _refresher;
    private readonly AppTokenProvider _appTokens;
    private readonly string _appId;
    private readonly string? _keyAppId;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly CoarseUtcClock? _coarseClock;
    private readonly ILogger _logger;

    public TokenReader(
        ITokenStore store,
        TokenRefresher refresher,
        AppTokenProvider appTokens,
        IOptions<FbTokensOptions> fbOptions,
        IOptions<TokenManagerOptions> options,
        TimeProvider timeProvider,
        ILogger<TokenReader> logger)
    {
        _store = store;
        _refresher = refresher;
        _appTokens = appTokens;
        _appId = fbOptions.Value.AppId;
        _keyAppId = fbOptions.Value.TokenKeyAppId;
        _options = options.Value;
        _timeProvider = timeProvider;
        _coarseClock = ReferenceEquals(timeProvider, TimeProvider.System) ? new CoarseUtcClock(timeProvider) : null;
        _logger = logger;
    }

    /// <summary>The clock of the hit check: coarse (a few ms) on the system clock, where reading exact time costs
    /// more than the rest of the hit; exact on any other <see cref="TimeProvider"/>, so tests control it.</summary>
    private DateTimeOffset HitNow => _coarseClock?.GetUtcNow() ?? _timeProvider.GetUtcNow();

    /// <summary>As <see cref="IGraphTokenManager.GetTokenAsync"/>.</summary>
    public ValueTask<StoredToken> GetTokenAsync(TokenKey key, CancellationToken cancellationToken)
    {
        // Argument errors surface at the call, not at the first await.
        key = LifecycleRules.Scope(key, _appId, _keyAppId);
        if (key.Kind == TokenKind.App)
        {
            return new ValueTask<StoredToken>(_appTokens.GetAsync(key, cancellationToken));
        }

        ValueTask<StoredToken?> read;
        try
        {
            read = _store.GetAsync(key, cancellationToken);
        }
#pragma warning disable CA1031 // Not handled: handed to the async path, which throws it from the returned task as before.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return _refresher.GetUsableAsync(key, ValueTask.FromException<StoredToken?>(ex), cancellationToken);
        }

        if (!read.IsCompletedSuccessfully)
        {
            return _refresher.GetUsableAsync(key, read, cancellationToken);
        }

        // The hit (stored, valid, unexpired, not due for refresh) is every Graph call a host makes, so with a store that
        // answers synchronously it completes here: no async state machine, no allocation. Everything else goes on below.
        var stored = read.Result;
        if (stored is { Status: TokenStatus.Valid } token && IsHit(token, HitNow))
        {
            LogUsed(_logger, key, token);
            return new ValueTask<StoredToken>(token);
        }

        return _refresher.GetUsableAsync(key, new ValueTask<StoredToken?>(stored), cancellationToken);
    }

    /// <summary>Logs at Trace which token version is handed out, masked.</summary>
    internal static void LogUsed(ILogger logger, TokenKey key, StoredToken token)
    {
        // Checked here so the mask is not built on every call when Trace is off.
        if (logger.IsEnabled(LogLevel.Trace))
        {
            LifecycleLog.TokenUsed(logger, key, token.Version, SecretMask.Token(token.Value));
        }
    }

    private bool IsHit(StoredToken token, DateTimeOffset now) =>
        (token.ExpiresAt is not { } expiresAt || expiresAt > now) && !(LifecycleRules.IsRefreshable(token) && RefreshSchedule.IsDue(token, now, _options));
}
