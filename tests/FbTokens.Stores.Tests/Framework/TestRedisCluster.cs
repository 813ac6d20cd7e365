using StackExchange.Redis;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// The Redis Cluster the cluster tests run against: <c>FBTOKENS_TEST_REDIS_CLUSTER</c> names its nodes (.ci/run starts
/// three masters with .ci/redis-cluster.sh and sets it; a developer can run the script too). Unlike the single node the
/// tests do not start one themselves: without the variable a cluster test is skipped with how to get one, and fails instead
/// when servers are required (<see cref="TestServers.Required"/>).
/// </summary>
internal static class TestRedisCluster
{
    public const string Variable = "FBTOKENS_TEST_REDIS_CLUSTER";

    /// <summary>The cluster's configuration string (its nodes, comma-separated).</summary>
    public static string Configuration
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(configured))
            {
                var reason = $"No Redis Cluster: set {Variable} to its nodes (e.g. 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103); " +
                             "'.ci/redis-cluster.sh start' starts three masters on loopback from redis-server and prints the line to export.";
                if (TestServers.Required)
                {
                    throw new InvalidOperationException(reason + $" Servers are required here ({TestServers.RequireVariable}=1 or CI=true): a missing cluster is a failure, not a skip.");
                }

                Skip.If(true, reason);
            }

            return configured!;
        }
    }

    /// <summary>The single node (<paramref name="cluster"/> false) or the cluster's configuration string.</summary>
    public static async Task<string> RedisAsync(bool cluster) => cluster ? Configuration : await TestServers.RedisAsync();

    /// <summary>Deletes every key of a store with <paramref name="prefix"/>, whatever its shard count, on every master.</summary>
    public static async Task DeleteKeysAsync(string configuration, string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var db = redis.GetDatabase();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: "{" + prefix + "*"))
            {
                await db.KeyDeleteAsync(key);
            }
        }
    }
}
