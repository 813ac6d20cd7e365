using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// The multiplexer the store and the lock share: the host's own, or one connected lazily from a configuration string
/// (and then owned and disposed here). <c>AbortOnConnectFail</c> is off, so a Redis that is down at start-up or later
/// is reconnected to in the background.
/// </summary>
internal sealed class RedisConnectionSource : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly bool _owned;

    public RedisConnectionSource(IConnectionMultiplexer connection)
    {
        _connection = new Lazy<Task<IConnectionMultiplexer>>(Task.FromResult(connection));
        _owned = false;
    }

    public RedisConnectionSource(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        _connection = new Lazy<Task<IConnectionMultiplexer>>(
            async () => await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false),
            LazyThreadSafetyMode.ExecutionAndPublication);
        _owned = true;
    }

    public async ValueTask<IDatabase> GetDatabaseAsync()
    {
        var connection = await _connection.Value.ConfigureAwait(false);
        return connection.GetDatabase();
    }

    // Both forms: a container disposed synchronously must not fail on an async-only service.
    public void Dispose()
    {
        if (_owned && _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned && _connection.IsValueCreated)
        {
            try
            {
                var connection = await _connection.Value.ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Never connected: nothing to close.
            }
        }
    }
}
