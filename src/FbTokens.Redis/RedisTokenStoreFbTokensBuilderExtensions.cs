using FbTokens.Redis;
using FbTokens.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FbTokens;

/// <summary>Registers the Redis token store and its cross-instance refresh lock.</summary>
public static class RedisTokenStoreFbTokensBuilderExtensions
{
    /// <summary>
    /// Keeps tokens in Redis, connecting with <paramref name="configuration"/> (a StackExchange.Redis configuration
    /// string such as <c>localhost:6379,password=…</c>; <c>abortConnect</c> is forced off so the app starts, and
    /// recovers, while Redis is down). Also registers the token manager and, unless turned off, the Redis refresh lock.
    /// One of the <c>Use…TokenStore</c> family: the last call chooses the store, and
    /// <c>ProtectTokensWithDataProtection()</c>, called before or after, encrypts token values.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <param name="configuration">The Redis configuration string.</param>
    /// <param name="configure">Sets the store's options, if given.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder UseRedisTokenStore(this IFbTokensBuilder builder, string configuration, Action<RedisTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return UseCore(builder, new RedisConnectionSource(configuration), configure);
    }

    /// <summary>
    /// Keeps tokens in Redis through the host's own <paramref name="connection"/> (not disposed by FbTokens). Create it
    /// with <c>AbortOnConnectFail = false</c> so it reconnects after an outage. Otherwise as the overload taking a
    /// configuration string.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <param name="connection">The multiplexer to use.</param>
    /// <param name="configure">Sets the store's options, if given.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder UseRedisTokenStore(this IFbTokensBuilder builder, IConnectionMultiplexer connection, Action<RedisTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(connection);
        return UseCore(builder, new RedisConnectionSource(connection), configure);
    }

    private static IFbTokensBuilder UseCore(IFbTokensBuilder builder, RedisConnectionSource connection, Action<RedisTokenStoreOptions>? configure)
    {
        builder.AddTokenManager();
        var services = builder.Services;
        var options = services.AddOptions<RedisTokenStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => !string.IsNullOrWhiteSpace(o.KeyPrefix) && o.KeyPrefix.IndexOfAny(['{', '}', ' ']) < 0, "RedisTokenStoreOptions.KeyPrefix must be non-empty, without spaces or braces.")
            .Validate(o => o.RefreshLockExpiry > TimeSpan.Zero, "RedisTokenStoreOptions.RefreshLockExpiry must be positive.")
            .Validate(o => o.ShardCount is >= 1 and <= RedisTokenStoreOptions.MaxShardCount, "RedisTokenStoreOptions.ShardCount must be from 1 to 1024.")
            .ValidateOnStart();

        // The container owns (and disposes) the source, which disposes the multiplexer only when it created it.
        services.Replace(ServiceDescriptor.Singleton(_ => connection));
        services.TryAddSingleton<RedisRefreshLock>();
        builder.UseTokenStore<RedisTokenStore>();
        services.Replace(ServiceDescriptor.Singleton<IDistributedRefreshLock>(sp =>
            sp.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value.UseDistributedRefreshLock
                ? sp.GetRequiredService<RedisRefreshLock>()
                : NoRefreshLock.Instance));
        return builder;
    }
}
