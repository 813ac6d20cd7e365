using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>Answers <see cref="IGraphTokenManager.GetStatusAsync"/> from the stored token and the manager's rules, without calling Graph.</summary>
internal sealed class TokenStatusReporter
{
    private readonly ITokenStore _store;
    private readonly PersonNotices _notices;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;

    public TokenStatusReporter(ITokenStore store, PersonNotices notices, IOptions<TokenManagerOptions> options, TimeProvider timeProvider)
    {
        _store = store;
        _notices = notices;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    /// <summary>The status of <paramref name="key"/> (already scoped to this app); null when nothing is stored under it.</summary>
    public async Task<TokenLifecycleStatus?> GetStatusAsync(TokenKey key, CancellationToken cancellationToken)
    {
        if (key.Kind == TokenKind.App)
        {
            // Never stored: built from the secret or fetched, and fetched again when Graph rejects it.
            return new TokenLifecycleStatus(key, TokenStatus.Valid, null, null, TokenRenewedBy.NotNeeded, TokenNextAction.None, null, null);
        }

        var token = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return token is null ? null : Of(token, _timeProvider.GetUtcNow());
    }

    /// <summary>The status of <paramref name="token"/> at <paramref name="now"/>.</summary>
    public TokenLifecycleStatus Of(StoredToken token, DateTimeOffset now)
    {
        var missing = _notices.Missing(token, granted: null);
        if (!token.IsUsableAt(now))
        {
            return new TokenLifecycleStatus(token.Key, TokenStatus.Invalid, token.ExpiresAt, token.DataAccessExpiresAt,
                TokenRenewedBy.Person, TokenNextAction.PersonLogin, now, null) { MissingPermissions = missing };
        }

        var serverRenews = LifecycleRules.IsRefreshable(token);
        var renewedBy = token.ExpiresAt is null ? TokenRenewedBy.NotNeeded : serverRenews ? TokenRenewedBy.Server : TokenRenewedBy.Person;

        // The earliest thing the manager will do; with nothing left to do but a notice already sent, it waits for the person.
        var next = TokenNextAction.None;
        DateTimeOffset? nextAt = null;
        void Consider(TokenNextAction action, DateTimeOffset at)
        {
            if (nextAt is null || at < nextAt)
            {
                next = action;
                nextAt = at;
            }
        }

        if (serverRenews && RefreshSchedule.RefreshAt(token, _options) is { } refreshAt)
        {
            Consider(TokenNextAction.ServerRenewal, refreshAt);
        }
        else if (token.Key.Kind is TokenKind.User or TokenKind.SystemUser && token.ExpiresAt is { } expiresAt && token.ExpiryNoticeSentFor != expiresAt)
        {
            Consider(TokenNextAction.NotifyPerson, expiresAt - _options.ExpiringNoticeBefore);
        }

        if (token.Key.Kind == TokenKind.User && token.DataAccessExpiresAt is { } dataAccess && token.DataAccessNoticeSentFor != dataAccess)
        {
            Consider(TokenNextAction.NotifyPerson, dataAccess - _options.DataAccessNoticeBefore);
        }

        if (missing.Count > 0 && !missing.SequenceEqual(token.MissingPermissionsNoticed, StringComparer.Ordinal))
        {
            Consider(TokenNextAction.NotifyPerson, now);
        }

        var told = token.ExpiryNoticeSentFor is not null || token.DataAccessNoticeSentFor is not null || token.MissingPermissionsNoticed.Count > 0;
        if (next == TokenNextAction.None && told)
        {
            next = TokenNextAction.AwaitPersonLogin;
        }

        DateTimeOffset? deadline = renewedBy == TokenRenewedBy.Person ? token.ExpiresAt : null;
        if (token.Key.Kind == TokenKind.User && token.DataAccessExpiresAt is { } ends && (deadline is null || ends < deadline))
        {
            deadline = ends;
        }

        return new TokenLifecycleStatus(token.Key, TokenStatus.Valid, token.ExpiresAt, token.DataAccessExpiresAt, renewedBy, next, nextAt, deadline)
        {
            MissingPermissions = missing,
        };
    }
}
