using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>The <see cref="IGraphTokenManager"/>: store + client + single-flight refresh + notifications.</summary>
internal sealed class GraphTokenManager : IGraphTokenManager, IDisposable
{
    private readonly IServiceProvider _services;
    private readonly ITokenStore _store;
    private readonly FbTokensOptions _fbOptions;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly CoarseUtcClock? _coarseClock;
    private readonly TokenLifecycleNotifier _notifier;
    private readonly ILogger _logger;
    private readonly IDistributedRefreshLock _refreshLock;
    private readonly SingleFlight<TokenKey, StoredToken> _flights = new();
    private readonly ConcurrentDictionary<TokenKey, DateTimeOffset> _retryNotBefore = new();
    private readonly CancellationTokenSource _stopping = new();
    private StoredToken? _appToken;
    private int _disposed;

    public GraphTokenManager(
        IServiceProvider services,
        ITokenStore store,
        IOptions<FbTokensOptions> fbOptions,
        IOptions<TokenManagerOptions> options,
        TimeProvider timeProvider,
        TokenLifecycleNotifier notifier,
        ILogger<GraphTokenManager> logger,
        IDistributedRefreshLock? refreshLock = null)
    {
        _services = services;
        _store = store;
        _fbOptions = fbOptions.Value;
        _options = options.Value;
        _timeProvider = timeProvider;
        _coarseClock = ReferenceEquals(timeProvider, TimeProvider.System) ? new CoarseUtcClock(timeProvider) : null;
        _notifier = notifier;
        _logger = logger;
        _refreshLock = refreshLock ?? InProcessRefreshLock.Instance;
    }

    internal TokenManagerOptions Options => _options;

    internal TokenLifecycleNotifier Notifier => _notifier;

    internal ITokenStore Store => _store;

    // Resolved per operation: the typed client is transient and must not be captured by this singleton.
    private IGraphTokenClient Client => _services.GetRequiredService<IGraphTokenClient>();

    private DateTimeOffset Now => _timeProvider.GetUtcNow();

    /// <summary>The clock of the hit check: coarse (a few ms) on the system clock, where reading exact time costs
    /// more than the rest of the hit; exact on any other <see cref="TimeProvider"/>, so tests control it.</summary>
    private DateTimeOffset HitNow => _coarseClock?.GetUtcNow() ?? _timeProvider.GetUtcNow();

    public async Task<StoredToken> SaveUserTokenAsync(string userAccessToken, bool includePageTokens = false, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(userAccessToken);
        var client = Client;

        // debug_token tells whose token this is, its expiry, scopes and data-access window, and that it is ours.
        var debug = await client.DebugTokenAsync(userAccessToken, cancellationToken).ConfigureAwait(false);
        if (!debug.IsValid)
        {
            var error = debug.Error ?? new DebugTokenError(190, "debug_token reports the token invalid.", null);
            throw new GraphAuthException(HttpStatusCode.OK, new GraphError(error.Code, error.Message, error.Subcode, "OAuthException"));
        }

        if (!string.IsNullOrEmpty(debug.AppId) && debug.AppId != _fbOptions.AppId)
        {
            throw new ArgumentException("The token belongs to another app than FbTokens:AppId.", nameof(userAccessToken));
        }

        if (debug.Type is not null && !string.Equals(debug.Type, "USER", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The token is not a user token (debug_token type " + debug.Type + ").", nameof(userAccessToken));
        }

        if (string.IsNullOrEmpty(debug.UserId))
        {
            throw new GraphProtocolException("debug_token did not say which user the token belongs to (no user_id).");
        }

        var now = Now;
        var value = userAccessToken;
        var expiresAt = debug.ExpiresAt;
        var issuedAt = debug.IssuedAt ?? now;
        var exchanged = false;
        if (expiresAt is { } expiry && expiry - now <= _options.LongLivedThreshold)
        {
            var longLived = await client.ExchangeForLongLivedTokenAsync(userAccessToken, cancellationToken).ConfigureAwait(false);
            value = longLived.AccessToken;
            expiresAt = longLived.ExpiresAt;
            issuedAt = now;
            exchanged = true;
        }

        var token = new StoredToken
        {
            Key = TokenKey.ForUser(debug.UserId),
            Value = value,
            ExpiresAt = expiresAt,
            DataAccessExpiresAt = debug.DataAccessExpiresAt,
            Scopes = debug.Scopes,
            Status = TokenStatus.Valid,
            IssuedAt = issuedAt,
            UpdatedAt = now,
        };

        // A fresh login is the newest truth: it replaces whatever is stored, invalid or not.
        var stored = await _store.SetAsync(token, expectedVersion: null, cancellationToken).ConfigureAwait(false);
        _retryNotBefore.TryRemove(stored.Key, out _);
        LifecycleLog.TokenSaved(_logger, stored.Key, stored.ExpiresAt, exchanged);

        if (includePageTokens)
        {
            await SavePageTokensCoreAsync(client, stored, cancellationToken).ConfigureAwait(false);
        }

        return stored;
    }

    public async Task<IReadOnlyList<StoredToken>> SavePageTokensAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.UserId(userId);
        var user = await GetTokenAsync(TokenKey.ForUser(userId), cancellationToken).ConfigureAwait(false);
        return await SavePageTokensCoreAsync(Client, user, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<StoredToken>> SavePageTokensCoreAsync(IGraphTokenClient client, StoredToken user, CancellationToken cancellationToken)
    {
        var saved = new List<StoredToken>();
        await foreach (var page in client.GetPageTokensAsync(user.Key.SubjectId, user.Value, cancellationToken).ConfigureAwait(false))
        {
            // Graph lists some pages without a page token: there is nothing to store, and an empty token is never stored.
            if (!page.HasAccessToken)
            {
                continue;
            }

            var now = Now;
            saved.Add(await _store.SetAsync(PageToken(user, page, now), expectedVersion: null, cancellationToken).ConfigureAwait(false));
        }

        LifecycleLog.PageTokensSaved(_logger, saved.Count, user.Key);
        return saved;
    }

    private static StoredToken PageToken(StoredToken user, PageTokenResponse page, DateTimeOffset now) => new()
    {
        Key = TokenKey.ForPage(page.Id),
        Value = page.AccessToken,

        // A page token obtained with a long-lived user token does not expire; with a short-lived one it lasts as long.
        ExpiresAt = user.ExpiresAt is { } userExpiry && userExpiry - now <= TimeSpan.FromDays(1) ? userExpiry : null,
        DataAccessExpiresAt = user.DataAccessExpiresAt,
        Scopes = user.Scopes,
        Status = TokenStatus.Valid,
        IssuedAt = now,
        UpdatedAt = now,
        OwnerUserId = user.Key.SubjectId,
    };

    public ValueTask<StoredToken> GetTokenAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        // Argument errors surface at the call, not at the first await.
        CheckKey(key);
        if (key.Kind == TokenKind.App)
        {
            return new ValueTask<StoredToken>(GetAppTokenAsync(key, cancellationToken));
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
            return GetTokenCoreAsync(key, ValueTask.FromException<StoredToken?>(ex), cancellationToken);
        }

        if (!read.IsCompletedSuccessfully)
        {
            return GetTokenCoreAsync(key, read, cancellationToken);
        }

        // The hit (stored, valid, unexpired, not due for refresh) is every Graph call a host makes, so with a store that
        // answers synchronously it completes here: no async state machine, no allocation. Everything else goes on below.
        var stored = read.Result;
        if (stored is { Status: TokenStatus.Valid } token && IsHit(token, HitNow))
        {
            LogTokenUsed(key, token);
            return new ValueTask<StoredToken>(token);
        }

        return GetTokenCoreAsync(key, new ValueTask<StoredToken?>(stored), cancellationToken);
    }

    private bool IsHit(StoredToken token, DateTimeOffset now) =>
        (token.ExpiresAt is not { } expiresAt || expiresAt > now) && !(IsRefreshable(token) && RefreshSchedule.IsDue(token, now, _options));

    private async ValueTask<StoredToken> GetTokenCoreAsync(TokenKey key, ValueTask<StoredToken?> read, CancellationToken cancellationToken)
    {
        var token = await read.ConfigureAwait(false)
            ?? throw new ReauthenticationRequiredException(key, TokenErrorReason.Unknown, UserIdOf(key, null));
        if (token.Status == TokenStatus.Invalid)
        {
            throw new ReauthenticationRequiredException(key, token.InvalidReason ?? TokenErrorReason.Unknown, UserIdOf(key, token));
        }

        var now = Now;
        if (token.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            await MarkInvalidCoreAsync(key, TokenErrorReason.Expired, token.Version, cancellationToken).ConfigureAwait(false);
            throw new ReauthenticationRequiredException(key, TokenErrorReason.Expired, UserIdOf(key, token));
        }

        if (IsRefreshable(token) && RefreshSchedule.IsDue(token, now, _options))
        {
            if (_retryNotBefore.TryGetValue(key, out var retryAt) && now < retryAt)
            {
                LifecycleLog.RefreshDeferred(_logger, key, retryAt);
            }
            else
            {
                try
                {
                    // Through a method, not a lambda here: a lambda capturing 'token' would allocate its closure on every call.
                    token = await RefreshIfDueAsync(token, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not ReauthenticationRequiredException and not OperationCanceledException)
                {
                    // Logged once by the flight; the stored token is still valid, so the caller keeps it.
                }
            }
        }

        LogTokenUsed(key, token);
        return token;
    }

    private void LogTokenUsed(TokenKey key, StoredToken token)
    {
        // Checked here so the mask is not built on every call when Trace is off.
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            LifecycleLog.TokenUsed(_logger, key, token.Version, SecretMask.Token(token.Value));
        }
    }

    public Task<StoredToken> RefreshAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        if (key.Kind is TokenKind.App or TokenKind.SystemUser)
        {
            throw new NotSupportedException($"{key.Kind} tokens cannot be refreshed: app tokens are rebuilt, system-user tokens are issued in Business Manager.");
        }

        return _flights.RunAsync(key, k => RefreshCoreAsync(k, force: true, observedVersion: null), cancellationToken);
    }

    public Task<bool> MarkInvalidAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        return MarkInvalidCoreAsync(key, reason, expectedVersion, cancellationToken);
    }

    /// <summary>
    /// Graph rejected <paramref name="key"/> at <paramref name="rejectedVersion"/>: returns a replacement to retry with when
    /// one can be had (another writer stored a newer token, a page token can be fetched again, a client-credentials app
    /// token can be fetched again); otherwise marks the token invalid, notifies, and returns null.
    /// </summary>
    internal async Task<StoredToken?> RecoverRejectedTokenAsync(TokenKey key, long rejectedVersion, TokenErrorReason reason, CancellationToken cancellationToken)
    {
        if (key.Kind == TokenKind.App)
        {
            if (_options.AppTokenSource != AppTokenSource.ClientCredentials)
            {
                return null;
            }

            Interlocked.Exchange(ref _appToken, null);
            return await GetAppTokenAsync(key, cancellationToken).ConfigureAwait(false);
        }

        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        if (current.Version != rejectedVersion)
        {
            return current.IsUsableAt(Now) ? current : null;
        }

        if (current.Key.Kind == TokenKind.Page && current.OwnerUserId is not null)
        {
            try
            {
                return await _flights.RunAsync(key, k => RefreshCoreAsync(k, force: true, observedVersion: rejectedVersion), cancellationToken).ConfigureAwait(false);
            }
            catch (ReauthenticationRequiredException)
            {
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Could not fetch it again now; the rejection below still stands.
            }
        }

        // A rejected user or system-user token cannot be exchanged: only a new login helps.
        await MarkInvalidCoreAsync(key, reason, rejectedVersion, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<StoredToken> RefreshCoreAsync(TokenKey key, bool force, long? observedVersion)
    {
        var cancellationToken = _stopping.Token;

        // Across instances sharing the store: one lock holder refreshes; the others wait, then take what it stored.
        IAsyncDisposable? lease;
        while ((lease = await _refreshLock.TryAcquireAsync(key, cancellationToken).ConfigureAwait(false)) is null)
        {
            await _refreshLock.WaitForReleaseAsync(key, cancellationToken).ConfigureAwait(false);
            var latest = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var now = Now;
            if (latest is not null && latest.IsUsableAt(now)
                && (observedVersion is { } seen ? latest.Version != seen : !force && !RefreshSchedule.IsDue(latest, now, _options)))
            {
                return latest;
            }
        }

        try
        {
            return await RefreshUnderLockAsync(key, force, observedVersion, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<StoredToken> RefreshUnderLockAsync(TokenKey key, bool force, long? observedVersion, CancellationToken cancellationToken)
    {
        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new ReauthenticationRequiredException(key, TokenErrorReason.Unknown, UserIdOf(key, null));
        if (current.Status == TokenStatus.Invalid)
        {
            throw new ReauthenticationRequiredException(key, current.InvalidReason ?? TokenErrorReason.Unknown, UserIdOf(key, current));
        }

        var now = Now;

        // Double check: a flight that finished just before this one may already have done the work.
        if (!force && !RefreshSchedule.IsDue(current, now, _options))
        {
            return current;
        }

        if (force && observedVersion is { } seen && current.Version != seen && current.IsUsableAt(now))
        {
            return current;
        }

        StoredToken fresh;
        try
        {
            fresh = key.Kind switch
            {
                TokenKind.User => await ExchangeAsync(current, now, cancellationToken).ConfigureAwait(false),
                TokenKind.Page => await RefetchPageAsync(current, now, cancellationToken).ConfigureAwait(false),
                _ => throw new NotSupportedException($"{key.Kind} tokens cannot be refreshed."),
            };
        }
        catch (GraphAuthException ex)
        {
            await MarkInvalidCoreAsync(key, ex.Reason, current.Version, cancellationToken).ConfigureAwait(false);
            throw new ReauthenticationRequiredException(key, ex.Reason, UserIdOf(key, current), ex);
        }
        catch (ReauthenticationRequiredException ex) when (key.Kind == TokenKind.Page)
        {
            // The owner's token is gone, or the person no longer manages the page: so is the page token.
            await MarkInvalidCoreAsync(key, ex.Reason, current.Version, cancellationToken).ConfigureAwait(false);
            throw new ReauthenticationRequiredException(key, ex.Reason, UserIdOf(key, current), ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not NotSupportedException)
        {
            var retryAt = Now + _options.RefreshRetryDelay;
            _retryNotBefore[key] = retryAt;
            LifecycleLog.RefreshFailed(_logger, key, retryAt, ex);
            throw;
        }

        StoredToken stored;
        try
        {
            // Compare-and-set: the old token stays until the new one is stored, and a newer write by anyone else wins.
            stored = await _store.SetAsync(fresh, current.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreConcurrencyException)
        {
            LifecycleLog.RefreshLostRace(_logger, key);
            var latest = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return latest is not null && latest.IsUsableAt(Now)
                ? latest
                : throw new ReauthenticationRequiredException(key, latest?.InvalidReason ?? TokenErrorReason.Unknown, UserIdOf(key, latest));
        }

        _retryNotBefore.TryRemove(key, out _);
        LifecycleLog.TokenRefreshed(_logger, key, current.ExpiresAt, stored.ExpiresAt);
        await _notifier.TokenRefreshedAsync(new TokenRefreshed(key, current.ExpiresAt, stored.ExpiresAt), cancellationToken).ConfigureAwait(false);
        return stored;
    }

    private async Task<StoredToken> ExchangeAsync(StoredToken current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Graph re-exchanges a still-valid long-lived token for a fresh one (a different string, a new ~60 days).
        var response = await Client.ExchangeForLongLivedTokenAsync(current.Value, cancellationToken).ConfigureAwait(false);
        return current with
        {
            Value = response.AccessToken,
            ExpiresAt = response.ExpiresAt,
            MachineId = response.MachineId ?? current.MachineId,
            IssuedAt = now,
            UpdatedAt = now,
        };
    }

    private async Task<StoredToken> RefetchPageAsync(StoredToken current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ownerId = current.OwnerUserId
            ?? throw new ReauthenticationRequiredException(current.Key, TokenErrorReason.Unknown, null);
        var ownerKey = TokenKey.ForUser(ownerId);
        var owner = await GetTokenAsync(ownerKey, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var page in Client.GetPageTokensAsync(ownerId, owner.Value, cancellationToken).ConfigureAwait(false))
            {
                // Listed without a token: the owner no longer gets one for this page, which only a new login can change.
                if (page.Id == current.Key.SubjectId && page.HasAccessToken)
                {
                    return PageToken(owner, page, now) with { MachineId = current.MachineId };
                }
            }
        }
        catch (GraphAuthException ex)
        {
            // The owner's token was rejected: it is invalid too.
            await MarkInvalidCoreAsync(ownerKey, ex.Reason, owner.Version, cancellationToken).ConfigureAwait(false);
            throw;
        }

        throw new ReauthenticationRequiredException(current.Key, TokenErrorReason.InvalidSession, ownerId);
    }

    internal async Task<bool> MarkInvalidCoreAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status == TokenStatus.Invalid || (expectedVersion is { } expected && current.Version != expected))
            {
                return false;
            }

            var now = Now;
            try
            {
                await _store.SetAsync(current with { Status = TokenStatus.Invalid, InvalidReason = reason, UpdatedAt = now }, current.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreConcurrencyException) when (expectedVersion is null)
            {
                continue;
            }
            catch (TokenStoreConcurrencyException)
            {
                // The token changed since it failed: the new one has not been rejected.
                return false;
            }

            LifecycleLog.TokenMarkedInvalid(_logger, key, reason);
            await _notifier.ReauthenticationRequiredAsync(
                new ReauthenticationRequired(key, UserIdOf(key, current), reason, current.Scopes, now), _stopping.Token).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task<StoredToken> GetAppTokenAsync(TokenKey key, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _appToken) is { } cached)
        {
            return cached;
        }

        if (_options.AppTokenSource == AppTokenSource.AppIdAndSecret)
        {
            var secret = _fbOptions.AppSecret is { Length: > 0 } s
                ? s
                : throw new InvalidOperationException("App tokens need the app secret: set FbTokens:AppSecret.");
            var now = Now;
            var composed = new StoredToken { Key = key, Value = string.Concat(_fbOptions.AppId, "|", secret), IssuedAt = now, UpdatedAt = now };
            Interlocked.CompareExchange(ref _appToken, composed, null);
            return Volatile.Read(ref _appToken) ?? composed;
        }

        return await _flights.RunAsync(key, async k =>
        {
            var response = await Client.GetAppAccessTokenAsync(_stopping.Token).ConfigureAwait(false);
            var now = Now;
            var fetched = new StoredToken { Key = k, Value = response.AccessToken, ExpiresAt = response.ExpiresAt, IssuedAt = now, UpdatedAt = now };
            Volatile.Write(ref _appToken, fetched);
            return fetched;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the sweep should refresh <paramref name="token"/> now (due, and not waiting after a failure).</summary>
    internal bool IsRefreshDue(StoredToken token, DateTimeOffset now) =>
        IsRefreshable(token) && RefreshSchedule.IsDue(token, now, _options)
        && !(_retryNotBefore.TryGetValue(token.Key, out var retryAt) && now < retryAt);

    /// <summary>Refreshes <paramref name="token"/> if it is still due when its flight runs; shares a running flight.</summary>
    internal Task<StoredToken> RefreshIfDueAsync(StoredToken token, CancellationToken cancellationToken) =>
        _flights.RunAsync(
            token.Key,
            (Manager: this, token.Version),
            static (k, state) => state.Manager.RefreshCoreAsync(k, force: false, observedVersion: state.Version),
            cancellationToken);

    private static bool IsRefreshable(StoredToken token) =>
        token.ExpiresAt is not null && (token.Key.Kind == TokenKind.User || (token.Key.Kind == TokenKind.Page && token.OwnerUserId is not null));

    internal static string? UserIdOf(TokenKey key, StoredToken? token) =>
        key.Kind == TokenKind.User ? key.SubjectId : token?.OwnerUserId;

    private void CheckKey(TokenKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.AppId is not null && key.AppId != _fbOptions.AppId)
        {
            throw new ArgumentException("This manager serves the app in FbTokens:AppId only; the key names another app.", nameof(key));
        }

        if (key.Kind == TokenKind.App && key.SubjectId != _fbOptions.AppId)
        {
            throw new ArgumentException("An app token key must name the app in FbTokens:AppId.", nameof(key));
        }
    }

    public void Dispose()
    {
        // Registered under two service types, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }
}
