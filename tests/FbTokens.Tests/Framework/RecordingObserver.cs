using System.Collections.Concurrent;

namespace FbTokens.Tests.Framework;

/// <summary>Records every lifecycle notification.</summary>
internal sealed class RecordingObserver : ITokenLifecycleObserver
{
    public ConcurrentQueue<ReauthenticationRequiredNotice> Reauthentication { get; } = new();

    public ConcurrentQueue<UserReauthenticationRequiredNotice> UserReauthentication { get; } = new();

    public ConcurrentQueue<TokenRefreshedNotice> Refreshed { get; } = new();

    public ConcurrentQueue<TokenExpiringNotice> Expiring { get; } = new();

    public ConcurrentQueue<DataAccessExpiringNotice> DataAccess { get; } = new();

    public ConcurrentQueue<PermissionsMissingNotice> PermissionsMissing { get; } = new();

    public ValueTask OnPermissionsMissingAsync(PermissionsMissingNotice notification, CancellationToken cancellationToken)
    {
        PermissionsMissing.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken)
    {
        Reauthentication.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnUserReauthenticationRequiredAsync(UserReauthenticationRequiredNotice notice, CancellationToken cancellationToken)
    {
        UserReauthentication.Enqueue(notice);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTokenRefreshedAsync(TokenRefreshedNotice notification, CancellationToken cancellationToken)
    {
        Refreshed.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnTokenExpiringAsync(TokenExpiringNotice notification, CancellationToken cancellationToken)
    {
        Expiring.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnDataAccessExpiringAsync(DataAccessExpiringNotice notification, CancellationToken cancellationToken)
    {
        DataAccess.Enqueue(notification);
        return ValueTask.CompletedTask;
    }
}

/// <summary>An observer that always throws, to prove the manager survives it.</summary>
internal sealed class ThrowingObserver : ITokenLifecycleObserver
{
    public int Calls;

    public ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        throw new InvalidOperationException("observer broke");
    }

    public ValueTask OnTokenRefreshedAsync(TokenRefreshedNotice notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        throw new InvalidOperationException("observer broke");
    }
}
