using System.Collections.Concurrent;
using System.Globalization;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>
/// Claims over a sharded store (issue 16), on the single node and on the cluster: concurrent claimers on three instances
/// never split the end of a round into short chunks, so a round over T tokens is exactly T / chunk claims (the sweep's
/// T/50 Graph requests), as on one shard where a claim is one script.
/// </summary>
public sealed class RedisShardedClaimTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Tokens = 2_000;
    private const int Chunk = 50;
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private readonly string _prefix = "fbtokens-claim-" + Guid.NewGuid().ToString("N");
    private readonly List<ServiceProvider> _providers = [];
    private string _configuration = "";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_configuration.Length > 0)
        {
            await TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Three_concurrent_claimers_take_full_chunks_until_the_round_is_done(bool cluster)
    {
        _configuration = await TestRedisCluster.RedisAsync(cluster);
        var schedules = new List<ITokenSweepSchedule>();
        for (var i = 0; i < 3; i++)
        {
            var provider = StoreServices.Build(b => b.UseRedisTokenStore(_configuration, o =>
            {
                o.KeyPrefix = _prefix;
                o.ShardCount = 16;
            }));
            _providers.Add(provider);
            schedules.Add((ITokenSweepSchedule)provider.GetRequiredKeyedService<ITokenStore>("FbTokens.InnerStore"));
        }

        // All due at the same time: the claimers want the same entries.
        var store = (ITokenStore)schedules[0];
        await Parallel.ForAsync(0, Tokens, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.SetAsync(new StoredToken { Key = TokenKey.ForUser((5_000_000 + i).ToString(CultureInfo.InvariantCulture)), Value = "EAABvalue", UpdatedAt = T0 }, 0, ct));

        // Eight rounds (the end of a round is where claimers race), each starting when the previous round's leases have
        // passed; two claimers per instance.
        for (var round = 0; round < 8; round++)
        {
            var dueBy = T0 + (Lease * round);
            var chunks = new ConcurrentBag<int>();
            await Task.WhenAll(schedules.Concat(schedules).Select(schedule => Task.Run(async () =>
            {
                while (await schedule.ClaimDueAsync(null, dueBy, dueBy + Lease, Chunk) is { Count: > 0 } claimed)
                {
                    chunks.Add(claimed.Count);
                }
            })));

            output.WriteLine($"Round {round}: {chunks.Count} chunks; short ones: {string.Join(", ", chunks.Where(c => c < Chunk))}.");
            Assert.Equal(Tokens, chunks.Sum());
            Assert.Equal(Tokens / Chunk, chunks.Count);
        }
    }
}
