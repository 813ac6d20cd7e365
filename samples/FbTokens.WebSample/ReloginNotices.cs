using System.Collections.Concurrent;

namespace FbTokens.WebSample;

/// <summary>
/// The sample's <see cref="ITokenLifecycleObserver"/>: logs each re-login notice (where a real app would e-mail the
/// person or flag their account) and keeps the latest per person, so the home page can say "log in again".
/// </summary>
public sealed class ReloginNotices(ILogger<ReloginNotices> logger) : ITokenLifecycleObserver
{
    private readonly ConcurrentDictionary<string, string> _byUser = new(StringComparer.Ordinal);

    /// <summary>Why the person must log in again, or null when nothing says so.</summary>
    public string? For(string userId) => _byUser.TryGetValue(userId, out var reason) ? reason : null;

    /// <summary>Forgets the notice once the person has logged in again.</summary>
    public void Clear(string userId) => _byUser.TryRemove(userId, out _);

    /// <inheritdoc />
    public ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken = default)
    {
        // Per token: for hosts that act per page. The person hears about it once, below.
        ArgumentNullException.ThrowIfNull(notification);
        SampleLog.TokenInvalid(logger, notification.Key, notification.Reason);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnUserReauthenticationRequiredAsync(UserReauthenticationRequiredNotice notice, CancellationToken cancellationToken = default)
    {
        // Once per person and event, whatever the number of their tokens it affected: where a real app sends one e-mail.
        ArgumentNullException.ThrowIfNull(notice);
        SampleLog.UserMustLogInAgain(logger, notice.UserId, notice.Reason, notice.AffectedKeys.Count);
        _byUser[notice.UserId] = notice.Reason.ToString();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnPermissionsMissingAsync(PermissionsMissingNotice notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        SampleLog.PermissionsMissing(logger, notification.UserId, string.Join(",", notification.MissingPermissions));
        return ValueTask.CompletedTask;
    }
}
