using System.Diagnostics;
using System.Globalization;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>Redis killed mid-run and restarted: a typed error while it is down, no token lost, work resumes after.</summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(45);

    [SkippableFact]
    public async Task While_Redis_is_down_calls_fail_with_TokenStoreUnavailableException_and_after_a_restart_every_token_is_there()
    {
        await using var redis = await ThrowawayRedis.StartAsync(TestServers.RedisServerBinary);
        await using var provider = StoreServices.Build(b => b.UseRedisTokenStore(
            redis.Configuration + ",connectTimeout=2000,asyncTimeout=2000,syncTimeout=2000", o => o.KeyPrefix = "outage"));
        var store = provider.GetRequiredService<ITokenStore>();
        var manager = provider.GetRequiredService<IGraphTokenManager>();
        var now = TimeProvider.System.GetUtcNow();
        var keys = Enumerable.Range(0, 20).Select(i => TokenKey.ForUser((7000 + i).ToString(CultureInfo.InvariantCulture))).ToArray();
        foreach (var key in keys)
        {
            await store.SetAsync(new StoredToken { Key = key, Value = "EAABsecretvalue" + key.SubjectId, ExpiresAt = now.AddDays(50), IssuedAt = now, UpdatedAt = now }, 0);
        }

        await redis.KillAsync();

        var read = await Assert.ThrowsAsync<TokenStoreUnavailableException>(() => store.GetAsync(keys[0]).AsTask());
        var write = await Assert.ThrowsAsync<TokenStoreUnavailableException>(() =>
            store.SetAsync(new StoredToken { Key = TokenKey.ForUser("9999"), Value = "EAABsecretnew", IssuedAt = now, UpdatedAt = now }, 0).AsTask());
        await Assert.ThrowsAsync<TokenStoreUnavailableException>(() => manager.GetTokenAsync(keys[1]).AsTask());
        await Assert.ThrowsAsync<TokenStoreUnavailableException>(async () =>
        {
            await foreach (var _ in store.ListAsync(null))
            {
            }
        });
        output.WriteLine("While down: " + read.Message);
        Assert.DoesNotContain("EAAB", read.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAB", write.ToString(), StringComparison.Ordinal);

        await redis.StartAsync();
        var watch = Stopwatch.StartNew();
        StoredToken? first = null;
        while (first is null)
        {
            try
            {
                first = await store.GetAsync(keys[0]);
                Assert.NotNull(first);
            }
            catch (TokenStoreUnavailableException) when (watch.Elapsed < RecoveryTimeout)
            {
                // The multiplexer reconnects in the background; a restart needs real time, bounded here.
                await Task.Delay(200);
            }
        }

        output.WriteLine($"Reconnected {watch.Elapsed.TotalSeconds:F1} s after the restart.");
        foreach (var key in keys)
        {
            var token = await store.GetAsync(key);
            Assert.NotNull(token);
            Assert.Equal("EAABsecretvalue" + key.SubjectId, token.Value);
            Assert.Equal(1, token.Version);
        }

        Assert.Equal(2, (await store.SetAsync(first with { Value = "EAABsecretrefreshed" }, 1)).Version);
        Assert.Equal("EAABsecretvalue" + keys[1].SubjectId, (await manager.GetTokenAsync(keys[1])).Value);
        var listed = 0;
        await foreach (var _ in store.ListAsync(TokenKind.User))
        {
            listed++;
        }

        Assert.Equal(keys.Length, listed);
    }
}
