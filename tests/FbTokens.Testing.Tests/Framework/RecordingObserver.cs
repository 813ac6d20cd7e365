using System.Collections.Concurrent;

namespace FbTokens.Testing.Tests.Framework;

/// <summary>Records every lifecycle notification.</summary>
internal sealed class RecordingObserver : ITokenLifecycleObserver
{
    public ConcurrentQueue<ReauthenticationRequired> Reauthentication { get; } = new();

    public ConcurrentQueue<TokenRefreshed> Refreshed { get; } = new();

    public ConcurrentQueue<TokenExpiring> Expiring { get; } = new();

    public ConcurrentQueue<DataAccessExpiring> DataAccess { get; } = new();

    public ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequired notification, CancellationToken cancellationToken)
    {
        Reauthentication.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTokenRefreshedAsync(TokenRefreshed notification, CancellationToken cancellationToken)
    {
        Refreshed.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTokenExpiringAsync(TokenExpiring notification, CancellationToken cancellationToken)
    {
        Expiring.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnDataAccessExpiringAsync(DataAccessExpiring notification, CancellationToken cancellationToken)
    {
        DataAccess.Enqueue(notification);
        return ValueTask.CompletedTask;
    }
}
