using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// The app token, as <see cref="TokenManagerOptions.AppTokenSource"/> says: composed from the app id and secret, or fetched
/// with client credentials (one fetch however many callers wait). Cached in memory for the life of the process, never stored.
/// </summary>
internal sealed class AppTokenProvider
{
    private readonly IGraphTokenClient _client;
    private readonly FbTokensOptions _fbOptions;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly LifecycleStopping _stopping;
    private readonly SingleFlight<TokenKey, StoredToken> _flights = new();
    private StoredToken? _cached;

    public AppTokenProvider(
        [FromKeyedServices(LifecycleGraphTokenClient.ServiceKey)] IGraphTokenClient client,
        IOptions<FbTokensOptions> fbOptions,
        IOptions<TokenManagerOptions> options,
        TimeProvider timeProvider,
        LifecycleStopping stopping)
    {
        _client = client;
        _fbOptions = fbOptions.Value;
        _options = options.Value;
        _timeProvider = timeProvider;
        _stopping = stopping;
    }

    /// <summary>The app token for <paramref name="key"/> (an app key naming this app, checked by the caller).</summary>
    public async Task<StoredToken> GetAsync(TokenKey key, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _cached) is { } cached)
        {
            return cached;
        }

        if (_options.AppTokenSource == AppTokenSource.AppIdAndSecret)
        {
            var secret = _fbOptions.AppSecret is { Length: > 0 } s
                ? s
                : throw new InvalidOperationException("App tokens need the app secret: set FbTokens:AppSecret.");
            var now = _timeProvider.GetUtcNow();
            var composed = new StoredToken { Key = key, Value = string.Concat(_fbOptions.AppId, "|", secret), IssuedAt = now, UpdatedAt = now };
            Interlocked.CompareExchange(ref _cached, composed, null);
            return Volatile.Read(ref _cached) ?? composed;
        }

        return await _flights.RunAsync(key, async k =>
        {
            var response = await _client.GetAppAccessTokenAsync(_stopping.Token).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            var fetched = new StoredToken { Key = k, Value = response.AccessToken, ExpiresAt = response.ExpiresAt, IssuedAt = now, UpdatedAt = now };
            Volatile.Write(ref _cached, fetched);
            return fetched;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Graph rejected the app token: a fetched one is dropped and fetched again; a composed one cannot be replaced (null).
    /// </summary>
    public async Task<StoredToken?> ReplaceRejectedAsync(TokenKey key, CancellationToken cancellationToken)
    {
        if (_options.AppTokenSource != AppTokenSource.ClientCredentials)
        {
            return null;
        }

        Interlocked.Exchange(ref _cached, null);
        return await GetAsync(key, cancellationToken).ConfigureAwait(false);
    }
}
