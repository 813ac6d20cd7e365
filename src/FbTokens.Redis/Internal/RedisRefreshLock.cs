using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// <see cref="IDistributedRefreshLock"/> on Redis: <c>SET {prefix}:l:{key} {unique} NX PX {expiry}</c> to take it, a Lua
/// compare-and-delete to release it (only the holder's own lease), and polling with backoff on the injected
/// <see cref="TimeProvider"/> to wait. The manager's compare-and-set write is the fencing check.
/// </summary>
internal sealed class RedisRefreshLock : IDistributedRefreshLock
{
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);

    private readonly RedisConnectionSource _connection;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _expiry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public RedisRefreshLock(RedisConnectionSource connection, IOptions<RedisTokenStoreOptions> options, TimeProvider timeProvider, ILogger<RedisRefreshLock> logger)
    {
        _connection = connection;
        _keys = new RedisKeys(options.Value);
        _expiry = options.Value.RefreshLockExpiry;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lease = Guid.NewGuid().ToString("N");
        bool taken;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            taken = await db.StringSetAsync(_keys.Lock(key), lease, _expiry, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisTokenStore.IsUnavailable(ex))
        {
            RedisLog.Unavailable(_logger, "lock", key.ToString(), ex);
            throw new TokenStoreUnavailableException($"Redis could not be reached to take the refresh lock of {key} ({ex.GetType().Name}).", ex);
        }

        if (!taken)
        {
            RedisLog.LockBusy(_logger, key);
            return null;
        }

        RedisLog.LockAcquired(_logger, key, _expiry);
        return new Lease(this, key, lease);
    }

    public async ValueTask WaitForReleaseAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var lockKey = _keys.Lock(key);
        var started = _timeProvider.GetTimestamp();
        var delay = FirstPoll;
        while (_timeProvider.GetElapsedTime(started) < _expiry)
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            bool held;
            try
            {
                var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
                held = await db.KeyExistsAsync(lockKey).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisTokenStore.IsUnavailable(ex))
            {
                RedisLog.Unavailable(_logger, "wait for the refresh lock of", key.ToString(), ex);
                throw new TokenStoreUnavailableException($"Redis could not be reached to wait for the refresh lock of {key} ({ex.GetType().Name}).", ex);
            }

            if (!held)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    private async ValueTask ReleaseAsync(TokenKey key, string lease)
    {
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var released = (long)await db.ScriptEvaluateAsync(ReleaseScript, [_keys.Lock(key)], [lease]).ConfigureAwait(false);
            if (released == 0)
            {
                RedisLog.LockLost(_logger, key);
            }
        }
        catch (Exception ex) when (RedisTokenStore.IsUnavailable(ex))
        {
            // The lock expires by itself; failing the refresh that already succeeded would help no one.
            RedisLog.LockReleaseFailed(_logger, key, ex);
        }
    }

    private sealed class Lease(RedisRefreshLock owner, TokenKey key, string lease) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _released, 1) == 0 ? owner.ReleaseAsync(key, lease) : ValueTask.CompletedTask;
    }
}
