using System.Globalization;
using FbTokens.Stores.Tests.Framework;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.EntityFrameworkCore;

/// <summary>PostgreSQL ends the store's connections (an administrator, a failover): no token is lost.</summary>
public sealed class PostgresOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();
    private bool _created;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_created)
        {
            await _database.DropAsync();
        }
    }

    [SkippableFact]
    public async Task Terminated_connections_surface_at_most_as_TokenStoreUnavailableException_and_lose_no_token()
    {
        var (provider, keys) = await SeedAsync(retryOnFailure: false);
        await using var _ = provider;
        var store = provider.GetRequiredService<ITokenStore>();

        Assert.True(await _database.TerminateConnectionsAsync() > 0);

        var failures = 0;
        foreach (var key in keys)
        {
            var token = await WithRetriesAsync(() => store.GetAsync(key).AsTask(), () => failures++);
            Assert.Equal("EAABsecretvalue" + key.SubjectId, token!.Value);
            Assert.Equal(1, token.Version);
        }

        var written = await WithRetriesAsync(
            async () => await store.SetAsync((await store.GetAsync(keys[0]))! with { Value = "EAABsecretnew" }, 1),
            () => failures++);
        output.WriteLine($"{failures} call(s) failed with TokenStoreUnavailableException after the connections were ended.");
        Assert.Equal(2, written.Version);
    }

    [SkippableFact]
    public async Task With_the_providers_retrying_strategy_the_drop_is_invisible()
    {
        var (provider, keys) = await SeedAsync(retryOnFailure: true);
        await using var _ = provider;
        var store = provider.GetRequiredService<ITokenStore>();

        Assert.True(await _database.TerminateConnectionsAsync() > 0);

        foreach (var key in keys)
        {
            Assert.Equal("EAABsecretvalue" + key.SubjectId, (await store.GetAsync(key))!.Value);
        }

        Assert.Equal(2, (await store.SetAsync((await store.GetAsync(keys[0]))! with { Value = "EAABsecretnew" }, null)).Version);

        // Npgsql clears its pool after the first drop, so the connection that wrote may have been closed on return: read
        // until the pool holds a connection again, then drop it under the next write.
        var current = (await store.GetAsync(keys[0]))!;
        var dropped = 0;
        for (var attempt = 0; attempt < 5 && dropped == 0; attempt++)
        {
            current = (await store.GetAsync(keys[0]))!;
            dropped = await _database.TerminateConnectionsAsync();
        }

        Assert.True(dropped > 0);
        Assert.Equal(3, (await store.SetAsync(current with { Value = "EAABsecretnewer" }, null)).Version);
    }

    private async Task<(ServiceProvider Provider, TokenKey[] Keys)> SeedAsync(bool retryOnFailure)
    {
        await _database.CreateAsync();
        _created = true;
        var provider = StoreServices.Build(b =>
        {
            b.Services.AddDbContext<TestDbContext>(o => o.UseNpgsql(
                _database.ConnectionString,
                npgsql =>
                {
                    if (retryOnFailure)
                    {
                        npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(100), null);
                    }
                }));
            b.UseEntityFrameworkCoreTokenStore<TestDbContext>();
        });
        var store = provider.GetRequiredService<ITokenStore>();
        var now = TimeProvider.System.GetUtcNow();
        var keys = Enumerable.Range(0, 20).Select(i => TokenKey.ForUser((8000 + i).ToString(CultureInfo.InvariantCulture))).ToArray();

        // Concurrent, so the pool holds several connections for the server to end.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            await store.SetAsync(new StoredToken { Key = key, Value = "EAABsecretvalue" + key.SubjectId, ExpiresAt = now.AddDays(50), IssuedAt = now, UpdatedAt = now }, 0, ct));
        return (provider, keys);
    }

    private static async Task<T> WithRetriesAsync<T>(Func<Task<T>> call, Action onFailure)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (TokenStoreUnavailableException ex) when (attempt < 20)
            {
                // Each broken pooled connection fails once and is discarded; never a different exception type.
                Assert.DoesNotContain("EAAB", ex.ToString(), StringComparison.Ordinal);
                onFailure();
            }
        }
    }
}
