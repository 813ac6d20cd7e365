using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// The <see cref="IGraphTokenManager"/>: a thin façade over the lifecycle's parts. Saving a login is
/// <see cref="TokenRegistrar"/>'s; handing out tokens <see cref="TokenReader"/>'s; refreshing <see cref="TokenRefresher"/>'s;
/// marking invalid <see cref="TokenInvalidator"/>'s. Other classes depend on the parts, never on this class.
/// </summary>
internal sealed class GraphTokenManager : IGraphTokenManager
{
    private readonly TokenRegistrar _registrar;
    private readonly TokenReader _reader;
    private readonly TokenRefresher _refresher;
    private readonly TokenInvalidator _invalidator;
    private readonly TokenStatusReporter _status;
    private readonly string _appId;
    private readonly string? _keyAppId;

    public GraphTokenManager(TokenRegistrar registrar, TokenReader reader, TokenRefresher refresher, TokenInvalidator invalidator, TokenStatusReporter status, IOptions<FbTokensOptions> fbOptions)
    {
        _registrar = registrar;
        _reader = reader;
        _refresher = refresher;
        _invalidator = invalidator;
        _status = status;
        _appId = fbOptions.Value.AppId;
        _keyAppId = fbOptions.Value.TokenKeyAppId;
    }

    public Task<StoredToken> SaveUserTokenAsync(string userAccessToken, bool includePageTokens = false, CancellationToken cancellationToken = default) =>
        _registrar.SaveUserTokenAsync(userAccessToken, includePageTokens, cancellationToken);

    public Task<IReadOnlyList<StoredToken>> SavePageTokensAsync(string userId, CancellationToken cancellationToken = default) =>
        _registrar.SavePageTokensAsync(userId, cancellationToken);

    public ValueTask<StoredToken> GetTokenAsync(TokenKey key, CancellationToken cancellationToken = default) =>
        _reader.GetTokenAsync(key, cancellationToken);

    public Task<StoredToken> RefreshAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        key = LifecycleRules.Scope(key, _appId, _keyAppId);
        if (key.Kind is TokenKind.App)
        {
            throw new NotSupportedException("App tokens cannot be refreshed: they are rebuilt or fetched again when rejected.");
        }

        return _refresher.RefreshAsync(key, cancellationToken);
    }

    public Task<bool> MarkInvalidAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        key = LifecycleRules.Scope(key, _appId, _keyAppId);
        return _invalidator.MarkInvalidAsync(key, reason, expectedVersion, cancellationToken);
    }

    public async Task<IReadOnlyList<TokenKey>> InvalidateUserAsync(string userId, TokenErrorReason reason, string? appId = null, CancellationToken cancellationToken = default)
    {
        var turned = new List<TokenKey>();
        foreach (var keyAppId in KeyAppIdsOf(userId, appId))
        {
            turned.AddRange(await _invalidator.InvalidateUserAsync(userId, keyAppId, reason, cancellationToken).ConfigureAwait(false));
        }

        return turned;
    }

    public async Task<IReadOnlyList<TokenKey>> RemoveUserTokensAsync(string userId, string? appId = null, CancellationToken cancellationToken = default)
    {
        var removed = new List<TokenKey>();
        foreach (var keyAppId in KeyAppIdsOf(userId, appId))
        {
            removed.AddRange(await _registrar.RemoveUserTokensAsync(userId, keyAppId, cancellationToken).ConfigureAwait(false));
        }

        return removed;
    }

    public Task<TokenLifecycleStatus?> GetStatusAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        key = LifecycleRules.Scope(key, _appId, _keyAppId);
        return _status.GetStatusAsync(key, cancellationToken);
    }

    /// <summary>
    /// The <see cref="TokenKey.AppId"/>s a person's tokens of this app are stored under: a named app's id; for the unnamed
    /// app, keys that name no app and keys that name <c>FbTokens:AppId</c> (as <see cref="LifecycleRules.Owns"/> says).
    /// </summary>
    private string?[] KeyAppIdsOf(string userId, string? appId)
    {
        var key = LifecycleRules.Scope(TokenKey.ForUser(userId, appId), _appId, _keyAppId);
        return _keyAppId is null ? [null, _appId] : [key.AppId];
    }
}
