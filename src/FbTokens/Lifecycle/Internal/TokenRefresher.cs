using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Brings a stored token to a usable one: refuses an invalid or expired token, and refreshes one that is due, at most one
/// refresh per key however many callers wait (a single flight in this process, <see cref="IDistributedRefreshLock"/>
/// across instances sharing the store), stored by compare-and-set. A caller that finds a still-valid token due for refresh
/// gets it at once and the refresh runs in the background (<see cref="TokenManagerOptions.RefreshInBackground"/>). A failed
/// refresh keeps the still-valid token and waits <see cref="TokenManagerOptions.RefreshRetryDelay"/> before the next try.
/// </summary>
internal sealed class TokenRefresher
{
    private readonly ITokenStore _store;
    private readonly TokenRenewal _renewal;
    private readonly TokenInvalidator _invalidator;
    private readonly TokenLifecycleNotifier _notifier;
    private readonly RefreshRetrySchedule _retries;
    private readonly IDistributedRefreshLock _refreshLock;
    private readonly LifecycleStopping _stopping;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SingleFlight<TokenKey, StoredToken> _flights = new();

    public TokenRefresher(
        ITokenStore store,
        TokenRenewal renewal,
        TokenInvalidator invalidator,
        TokenLifecycleNotifier notifier,
        RefreshRetrySchedule retries,
        LifecycleStopping stopping,
        IOptions<TokenManagerOptions> options,
        TimeProvider timeProvider,
        ILogger<TokenRefresher> logger,
        IDistributedRefreshLock? refreshLock = null)
    {
        _store = store;
        _renewal = renewal;
        _invalidator = invalidator;
        _notifier = notifier;
        _retries = retries;
        _stopping = stopping;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _refreshLock = refreshLock ?? InProcessRefreshLock.Instance;
    }

    private DateTimeOffset Now => _timeProvider.GetUtcNow();

    /// <summary>
    /// The token <paramref name="read"/> from the store for <paramref name="key"/>, made usable: everything of
    /// <see cref="IGraphTokenManager.GetTokenAsync"/> but the synchronous hit, which <see cref="TokenReader"/> answers itself.
    /// </summary>
    /// <exception cref="ReauthenticationRequiredException">No token is stored, or it is invalid or expired.</exception>
    public async ValueTask<StoredToken> GetUsableAsync(TokenKey key, ValueTask<StoredToken?> read, CancellationToken cancellationToken)
    {
        var token = await read.ConfigureAwait(false)
            ?? throw new ReauthenticationRequiredException(key, TokenErrorReason.Unknown, LifecycleRules.UserIdOf(key, null));
        if (token.Status == TokenStatus.Invalid)
        {
            throw new ReauthenticationRequiredException(key, token.InvalidReason ?? TokenErrorReason.Unknown, LifecycleRules.UserIdOf(key, token));
        }

        var now = Now;
        if (token.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            await _invalidator.MarkInvalidAsync(key, TokenErrorReason.Expired, token.Version, cancellationToken).ConfigureAwait(false);
            throw new ReauthenticationRequiredException(key, TokenErrorReason.Expired, LifecycleRules.UserIdOf(key, token));
        }

        if (LifecycleRules.IsRefreshable(token) && RefreshSchedule.IsDue(token, now, _options))
        {
            if (_retries.IsDeferred(key, now, out var retryAt))
            {
                LifecycleLog.RefreshDeferred(_logger, key, retryAt);
            }
            else if (_options.RefreshInBackground)
            {
                // Refresh-ahead: the stored token is still valid, so the caller never waits for Graph.
                StartBackgroundRefresh(token);
            }
            else
            {
                try
                {
                    token = await RefreshIfDueAsync(token, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not ReauthenticationRequiredException and not OperationCanceledException)
                {
                    // Logged once by the flight; the stored token is still valid, so the caller keeps it.
                }
            }
        }

        TokenReader.LogUsed(_logger, key, token);
        return token;
    }

    /// <summary>
    /// Starts the due refresh of <paramref name="token"/> without waiting for it, unless one is already running for its key.
    /// Its failure is logged, counted and deferred by the flight itself and observed here, so it never reaches a caller
    /// nor the unobserved-task handler; disposing the container cancels it.
    /// </summary>
    private void StartBackgroundRefresh(StoredToken token)
    {
        if (_flights.IsRunning(token.Key) || _stopping.IsStopping)
        {
            return;
        }

        _ = RefreshIfDueAsync(token, CancellationToken.None).ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when no refresh runs for <paramref name="key"/> in this process (tests, and a host shutting down).</summary>
    internal Task WhenIdleAsync(TokenKey key) =>
        _flights.Running(key) is { } running
            ? running.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            : Task.CompletedTask;

    /// <summary>Replaces the user or page token under <paramref name="key"/> now, whatever its expiry; shares a running flight.</summary>
    public Task<StoredToken> RefreshAsync(TokenKey key, CancellationToken cancellationToken) =>
        _flights.RunAsync(key, k => RefreshCoreAsync(k, force: true, observedVersion: null), cancellationToken);

    /// <summary>
    /// Graph rejected <paramref name="rejectedVersion"/> of the page token under <paramref name="key"/>: fetches it again,
    /// unless someone already stored a newer usable one, which is returned instead.
    /// </summary>
    public Task<StoredToken> ReplaceRejectedAsync(TokenKey key, long rejectedVersion, CancellationToken cancellationToken) =>
        _flights.RunAsync(key, k => RefreshCoreAsync(k, force: true, observedVersion: rejectedVersion), cancellationToken);

    /// <summary>Whether the sweep should refresh <paramref name="token"/> now (due, and not waiting after a failure).</summary>
    public bool IsRefreshDue(StoredToken token, DateTimeOffset now) =>
        LifecycleRules.IsRefreshable(token) && RefreshSchedule.IsDue(token, now, _options) && !_retries.IsDeferred(token.Key, now, out _);

    /// <summary>Refreshes <paramref name="token"/> if it is still due when its flight runs; shares a running flight.</summary>
    public Task<StoredToken> RefreshIfDueAsync(StoredToken token, CancellationToken cancellationToken) =>
        _flights.RunAsync(
            token.Key,
            (Refresher: this, token.Version),
            static (k, state) => state.Refresher.RefreshCoreAsync(k, force: false, observedVersion: state.Version),
            cancellationToken);

    private async Task<StoredToken> RefreshCoreAsync(TokenKey key, bool force, long? observedVersion)
    {
        // The flight's own token: a caller that gives up does not cancel the refresh the others wait for.
        var cancellationToken = _stopping.Token;

        // Across instances sharing the store: one lock holder refreshes; the others wait, then take what it stored.
        IAsyncDisposable? lease;
        while ((lease = await _refreshLock.TryAcquireAsync(key, cancellationToken).ConfigureAwait(false)) is null)
        {
            await _refreshLock.WaitForReleaseAsync(key, cancellationToken).ConfigureAwait(false);
            var latest = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var now = Now;
            if (latest is not null && latest.IsUsableAt(now)
                && (observedVersion is { } seen ? latest.Version != seen : !force && (!LifecycleRules.IsRefreshable(latest) || !RefreshSchedule.IsDue(latest, now, _options))))
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
            ?? throw new ReauthenticationRequiredException(key, TokenErrorReason.Unknown, LifecycleRules.UserIdOf(key, null));
        if (current.Status == TokenStatus.Invalid)
        {
            throw new ReauthenticationRequiredException(key, current.InvalidReason ?? TokenErrorReason.Unknown, LifecycleRules.UserIdOf(key, current));
        }

        var now = Now;

        // Double check: a flight that finished just before this one may already have done the work.
        if (!force && (!LifecycleRules.IsRefreshable(current) || !RefreshSchedule.IsDue(current, now, _options)))
        {
            return current;
        }

        if (force && observedVersion is { } seen && current.Version != seen && current.IsUsableAt(now))
        {
            return current;
        }

        if (key.Kind == TokenKind.SystemUser && current.ExpiresAt is null)
        {
            // A non-expiring system-user token needs no renewal.
            return current;
        }

        StoredToken fresh;
        try
        {
            fresh = key.Kind switch
            {
                TokenKind.User => await _renewal.ExchangeUserTokenAsync(current, now, cancellationToken).ConfigureAwait(false),
                TokenKind.SystemUser => await _renewal.RenewSystemUserTokenAsync(current, now, cancellationToken).ConfigureAwait(false),
                TokenKind.Page => await RefetchPageAsync(current, now, cancellationToken).ConfigureAwait(false),
                _ => throw new NotSupportedException($"{key.Kind} tokens cannot be refreshed."),
            };
        }
        catch (GraphAuthException ex)
        {
            await _invalidator.MarkInvalidAsync(key, ex.Reason, current.Version, cancellationToken).ConfigureAwait(false);
            throw new ReauthenticationRequiredException(key, ex.Reason, LifecycleRules.UserIdOf(key, current), ex);
        }
        catch (ReauthenticationRequiredException ex) when (key.Kind == TokenKind.Page)
        {
            // The owner's token is gone, or the person no longer manages the page: so is the page token.
            await _invalidator.MarkInvalidAsync(key, ex.Reason, current.Version, cancellationToken).ConfigureAwait(false);
            throw new ReauthenticationRequiredException(key, ex.Reason, LifecycleRules.UserIdOf(key, current), ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not NotSupportedException)
        {
            var retryAt = Now + _options.RefreshRetryDelay;
            _retries.Defer(key, retryAt);
            GraphTelemetry.Renewals.Add(1, new(GraphTelemetry.TokenKindTag, KindTag(key.Kind)), new(GraphTelemetry.OutcomeTag, "failed"));
            LifecycleLog.RefreshFailed(_logger, key, retryAt, ex);
            throw;
        }

        // Verify, never assume: a renewal counts only when the expiry moves forward. Graph answers a re-exchange of a
        // long-lived user token with one that expires no later (see docs/token-kinds.md): keep the token, record once that
        // only the person can renew it, and stop trying (no loop); the sweep tells the person ahead of the deadline.
        var moved = LifecycleRules.ExpiryMoved(current.ExpiresAt, fresh.ExpiresAt);
        GraphTelemetry.Renewals.Add(1, new(GraphTelemetry.TokenKindTag, KindTag(key.Kind)), new(GraphTelemetry.OutcomeTag, moved ? "extended" : "not_extended"));
        if (!moved)
        {
            fresh = current with { RenewalNeedsPerson = true, UpdatedAt = now };
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
                : throw new ReauthenticationRequiredException(key, latest?.InvalidReason ?? TokenErrorReason.Unknown, LifecycleRules.UserIdOf(key, latest));
        }

        _retries.Clear(key);
        if (!moved)
        {
            LifecycleLog.RenewalNotExtended(_logger, key, current.ExpiresAt);
            return stored;
        }

        LifecycleLog.TokenRefreshed(_logger, key, current.ExpiresAt, stored.ExpiresAt);
        await _notifier.TokenRefreshedAsync(new TokenRefreshedNotice(key, current.ExpiresAt, stored.ExpiresAt), cancellationToken).ConfigureAwait(false);
        return stored;
    }

    private static string KindTag(TokenKind kind) => kind switch
    {
        TokenKind.User => "user",
        TokenKind.Page => "page",
        TokenKind.SystemUser => "system_user",
        _ => "app",
    };

    private async Task<StoredToken> RefetchPageAsync(StoredToken current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ownerId = current.OwnerUserId
            ?? throw new ReauthenticationRequiredException(current.Key, TokenErrorReason.Unknown, null);

        // The owner's token as GetTokenAsync would hand it out: refused when invalid or expired (a due refresh of it starts in the background).
        // The owner's token is in the page token's app.
        var ownerKey = TokenKey.ForUser(ownerId, current.Key.AppId);
        var owner = await GetUsableAsync(ownerKey, _store.GetAsync(ownerKey, cancellationToken), cancellationToken).ConfigureAwait(false);
        return await _renewal.RefetchPageTokenAsync(current, ownerKey, owner, now, cancellationToken).ConfigureAwait(false);
    }
}
