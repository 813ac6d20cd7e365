using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>Calls every registered <see cref="ITokenLifecycleObserver"/> in turn; one that throws is logged and skipped.</summary>
internal sealed class TokenLifecycleNotifier
{
    private readonly ITokenLifecycleObserver[] _observers;
    private readonly ILogger _logger;

    public TokenLifecycleNotifier(IEnumerable<ITokenLifecycleObserver> observers, ILogger<TokenLifecycleNotifier> logger)
    {
        _observers = observers.ToArray();
        _logger = logger;
    }

    public Task ReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken) =>
        InvokeAsync(notification, notification.Key, static (o, n, ct) => o.OnReauthenticationRequiredAsync(n, ct), nameof(ReauthenticationRequiredNotice), cancellationToken);

    public Task UserReauthenticationRequiredAsync(UserReauthenticationRequiredNotice notification, CancellationToken cancellationToken) =>
        InvokeAsync(notification, TokenKey.ForUser(notification.UserId, notification.AppId), static (o, n, ct) => o.OnUserReauthenticationRequiredAsync(n, ct), nameof(UserReauthenticationRequiredNotice), cancellationToken);

    public Task TokenRefreshedAsync(TokenRefreshedNotice notification, CancellationToken cancellationToken) =>
        InvokeAsync(notification, notification.Key, static (o, n, ct) => o.OnTokenRefreshedAsync(n, ct), nameof(TokenRefreshedNotice), cancellationToken);

    public Task TokenExpiringAsync(TokenExpiringNotice notification, CancellationToken cancellationToken) =>
        InvokeAsync(notification, notification.Key, static (o, n, ct) => o.OnTokenExpiringAsync(n, ct), nameof(TokenExpiringNotice), cancellationToken);

    public Task DataAccessExpiringAsync(DataAccessExpiringNotice notification, CancellationToken cancellationToken) =>
        InvokeAsync(notification, notification.Key, static (o, n, ct) => o.OnDataAccessExpiringAsync(n, ct), nameof(DataAccessExpiringNotice), cancellationToken);

    public Task PermissionsMissingAsync(PermissionsMissingNotice notification, CancellationToken cancellationToken) =>
        InvokeAsync(notification, notification.Key, static (o, n, ct) => o.OnPermissionsMissingAsync(n, ct), nameof(PermissionsMissingNotice), cancellationToken);

    private async Task InvokeAsync<T>(T notification, TokenKey key, Func<ITokenLifecycleObserver, T, CancellationToken, ValueTask> call, string name, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await call(observer, notification, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // An observer is host code: whatever it throws must not break the manager or the other observers.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LifecycleLog.ObserverFailed(_logger, observer.GetType().Name, name, key, ex);
            }
        }
    }
}
