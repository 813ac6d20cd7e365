using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Saves what a login brings: the user token (inspected with <c>debug_token</c>, exchanged for a long-lived one when it is
/// short-lived) and, on request, the tokens of every page the person manages.
/// </summary>
internal sealed partial class TokenRegistrar
{
    private readonly IGraphTokenClient _client;
    private readonly ITokenStore _store;
    private readonly TokenReader _reader;
    private readonly RefreshRetrySchedule _retries;
    private readonly PersonNotices _notices;
    private readonly FbTokensOptions _fbOptions;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TokenRegistrar(
        [FromKeyedServices(LifecycleGraphTokenClient.ServiceKey)] IGraphTokenClient client,
        ITokenStore store,
        TokenReader reader,
        RefreshRetrySchedule retries,
        PersonNotices notices,
        IOptions<FbTokensOptions> fbOptions,
        IOptions<TokenManagerOptions> options,
        TimeProvider timeProvider,
        ILogger<TokenRegistrar> logger)
    {
        _client = client;
        _store = store;
        _reader = reader;
        _retries = retries;
        _notices = notices;
        _fbOptions = fbOptions.Value;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private DateTimeOffset Now => _timeProvider.GetUtcNow();

    /// <summary>As <see cref="IGraphTokenManager.SaveUserTokenAsync"/>.</summary>
    public async Task<StoredToken> SaveUserTokenAsync(string userAccessToken, bool includePageTokens, CancellationToken cancellationToken)
    {
        ArgumentChecks.Credential(userAccessToken);

        // debug_token tells whose token this is, its expiry, scopes and data-access window, and that it is ours.
        var debug = await _client.DebugTokenAsync(userAccessToken, cancellationToken).ConfigureAwait(false);
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
            var longLived = await _client.ExchangeForLongLivedTokenAsync(userAccessToken, cancellationToken).ConfigureAwait(false);
            value = longLived.AccessToken;
            expiresAt = longLived.ExpiresAt;
            issuedAt = now;
            exchanged = true;
        }

        var key = TokenKey.ForUser(debug.UserId, _fbOptions.TokenKeyAppId);
        var previous = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var token = new StoredToken
        {
            Key = key,
            Value = value,
            ExpiresAt = expiresAt,
            DataAccessExpiresAt = debug.DataAccessExpiresAt,
            Scopes = debug.Scopes,
            Status = TokenStatus.Valid,
            IssuedAt = issuedAt,
            UpdatedAt = now,

            // A new token clears what the old one was waiting for (RenewalNeedsPerson stays false, pending notices go), but
            // a notice already sent for the very same deadline or missing set is not sent again.
            ExpiryNoticeSentFor = previous?.ExpiryNoticeSentFor is { } told && told == expiresAt ? told : null,
            DataAccessNoticeSentFor = previous?.DataAccessNoticeSentFor is { } toldData && toldData == debug.DataAccessExpiresAt ? toldData : null,
            MissingPermissionsNoticed = previous?.MissingPermissionsNoticed ?? [],
        };

        // A fresh login is the newest truth: it replaces whatever is stored, invalid or not.
        var stored = await _store.SetAsync(token, expectedVersion: null, cancellationToken).ConfigureAwait(false);
        _retries.Clear(stored.Key);
        LifecycleLog.TokenSaved(_logger, stored.Key, stored.ExpiresAt, exchanged);

        var granted = debug.Scopes.Concat(debug.GranularScopes.Select(g => g.Scope));
        stored = await _notices.NotifyIfDueAsync(stored, granted, now, cancellationToken).ConfigureAwait(false);

        if (includePageTokens)
        {
            await SavePageTokensCoreAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        else if (previous is not null && await HasPageTokensAsync(key, cancellationToken).ConfigureAwait(false))
        {
            // Renew on return: the person's page tokens are fetched again with the new token (a page token from a
            // long-lived user token does not expire; one from a short-lived token died with it).
            LifecycleLog.ReturningUserPages(_logger, key);
            try
            {
                await SavePageTokensCoreAsync(stored, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The user token is saved; the old page tokens stay and are fetched again when they are rejected or due.
                LifecycleLog.ReturningUserPagesFailed(_logger, key, ex);
            }
        }

        return stored;
    }

    /// <summary>Whether any stored page token was obtained with <paramref name="userKey"/>'s token (from the store's index
    /// by owner, not a scan).</summary>
    private async Task<bool> HasPageTokensAsync(TokenKey userKey, CancellationToken cancellationToken)
    {
        await foreach (var token in _store.ListForUserAsync(userKey.SubjectId, userKey.AppId, cancellationToken).ConfigureAwait(false))
        {
            if (token.Key.Kind == TokenKind.Page && token.OwnerUserId == userKey.SubjectId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>As <see cref="IGraphTokenManager.RemoveUserTokensAsync"/>, for the tokens with <see cref="TokenKey.AppId"/>
    /// <paramref name="appId"/>: removes the person's user token and every token they own.</summary>
    public async Task<IReadOnlyList<TokenKey>> RemoveUserTokensAsync(string userId, string? appId, CancellationToken cancellationToken)
    {
        var keys = new List<TokenKey>();
        await foreach (var token in _store.ListForUserAsync(userId, appId, cancellationToken).ConfigureAwait(false))
        {
            keys.Add(token.Key);
        }

        var removed = new List<TokenKey>(keys.Count);
        foreach (var key in keys)
        {
            if (await _store.RemoveAsync(key, expectedVersion: null, cancellationToken).ConfigureAwait(false))
            {
                removed.Add(key);
            }

            _retries.Clear(key);
        }

        UserTokensRemoved(_logger, userId, appId, removed.Count);
        return removed;
    }

    /// <summary>As <see cref="IGraphTokenManager.SavePageTokensAsync"/>.</summary>
    public async Task<IReadOnlyList<StoredToken>> SavePageTokensAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentChecks.UserId(userId);
        var user = await _reader.GetTokenAsync(TokenKey.ForUser(userId, _fbOptions.TokenKeyAppId), cancellationToken).ConfigureAwait(false);
        return await SavePageTokensCoreAsync(user, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<StoredToken>> SavePageTokensCoreAsync(StoredToken user, CancellationToken cancellationToken)
    {
        var saved = new List<StoredToken>();
        await foreach (var page in _client.GetPageTokensAsync(user.Key.SubjectId, user.Value, cancellationToken).ConfigureAwait(false))
        {
            // Graph lists some pages without a page token: there is nothing to store, and an empty token is never stored.
            if (!page.HasAccessToken)
            {
                continue;
            }

            var now = Now;
            saved.Add(await _store.SetAsync(LifecycleRules.PageToken(user, page, now), expectedVersion: null, cancellationToken).ConfigureAwait(false));
        }

        LifecycleLog.PageTokensSaved(_logger, saved.Count, user.Key);
        return saved;
    }

    [LoggerMessage(2173, LogLevel.Information, "Removed {Count} stored tokens of {UserId} (app {AppId}).")]
    private static partial void UserTokensRemoved(ILogger logger, string userId, string? appId, int count);
}
