using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>Issue 15, "verify, never assume": a renewal counts only when the stored expiry moves forward.</summary>
public sealed class RenewalTruthTests
{
    private const string OldLong = "EAABoldlonglivedtoken0123456789";
    private const string NewLong = "EAABnewlonglivedtoken0123456789";

    /// <summary>A re-exchange that answers with the expiry the token already has (what field reports say Graph does).</summary>
    private static MockedRequest MockSameExpiryExchange(LifecycleHost host, DateTimeOffset expiresAt) =>
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange)
            .WithFormData("grant_type", "fb_exchange_token")
            .Respond(_ => LifecyclePayloads.Json(System.Net.HttpStatusCode.OK,
                LifecyclePayloads.LongLived(OldLong, (long)(expiresAt - host.Now).TotalSeconds)));

    [Fact]
    public async Task A_re_exchange_that_does_not_move_the_expiry_is_recorded_once_not_reported_refreshed_and_not_retried()
    {
        await using var host = new LifecycleHost();
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(10));
        var exchange = MockSameExpiryExchange(host, seeded.ExpiresAt!.Value);
        var key = TokenKey.ForUser("1001");

        host.Time.Advance(TimeSpan.FromDays(4)); // inside the 7-day refresh window
        var first = await host.PublicManager.GetTokenAsync(key);

        // Every hour until it expires: the still-valid token, and no second exchange.
        for (var hour = 0; host.Now + TimeSpan.FromHours(1) < seeded.ExpiresAt; hour++)
        {
            host.Time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(OldLong, (await host.PublicManager.GetTokenAsync(key)).Value);
        }

        Assert.Equal(OldLong, first.Value);
        Assert.Equal(seeded.ExpiresAt, first.ExpiresAt);
        Assert.True(first.RenewalNeedsPerson);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
        Assert.Empty(host.Observer.Refreshed);
        var stored = await host.Store.GetAsync(key);
        Assert.True(stored!.RenewalNeedsPerson);
        Assert.Equal(first.Version, stored.Version); // recorded once: no later write

        host.Time.Advance(TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(key).AsTask());
    }

    [Fact]
    public async Task An_earlier_expiry_is_not_a_renewal_either_and_a_forced_refresh_keeps_the_stored_token()
    {
        await using var host = new LifecycleHost();
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(10));
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange)
            .Respond("application/json", LifecyclePayloads.LongLived(NewLong, (long)TimeSpan.FromDays(2).TotalSeconds));

        var result = await host.PublicManager.RefreshAsync(TokenKey.ForUser("1001"));

        Assert.Equal(OldLong, result.Value);
        Assert.Equal(seeded.ExpiresAt, result.ExpiresAt);
        Assert.True(result.RenewalNeedsPerson);
        Assert.Empty(host.Observer.Refreshed);
    }

    [Fact]
    public async Task A_re_exchange_that_moves_the_expiry_is_a_renewal()
    {
        await using var host = new LifecycleHost();
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(5));
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange).Respond("application/json", LifecyclePayloads.LongLived(NewLong));

        var result = await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));

        Assert.Equal(NewLong, result.Value);
        Assert.False(result.RenewalNeedsPerson);
        var notice = Assert.Single(host.Observer.Refreshed);
        Assert.Equal(seeded.ExpiresAt, notice.PreviousExpiresAt);
        Assert.True(notice.ExpiresAt > seeded.ExpiresAt);
    }

    [Fact]
    public async Task Two_instances_sharing_a_store_record_the_failed_renewal_once()
    {
        var store = new InMemoryTokenStore();
        await using var a = new LifecycleHost(services: s => s.AddSingleton<ITokenStore>(store));
        await using var b = new LifecycleHost(services: s => s.AddSingleton<ITokenStore>(store));
        var seeded = await a.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(5));
        b.Time.SetUtcNow(a.Now);
        var exchangeA = MockSameExpiryExchange(a, seeded.ExpiresAt!.Value);
        var exchangeB = MockSameExpiryExchange(b, seeded.ExpiresAt!.Value);

        await a.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));
        await b.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));

        Assert.Equal(1, a.Http.GetMatchCount(exchangeA) + b.Http.GetMatchCount(exchangeB));
        Assert.Equal(2, (await store.GetAsync(TokenKey.ForUser("1001")))!.Version);
    }

    [Fact]
    public async Task A_60_day_system_user_token_is_renewed_server_side_before_it_expires()
    {
        await using var host = new LifecycleHost();
        var key = TokenKey.ForSystemUser("300");
        await host.Store.SetAsync(new StoredToken { Key = key, Value = "EAABsystemusertoken0123456789", ExpiresAt = host.Now + TimeSpan.FromDays(5) }, null);
        var renew = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange)
            .WithFormData("grant_type", "fb_exchange_token")
            .WithFormData("set_token_expires_in_60_days", "true")
            .Respond("application/json", LifecyclePayloads.LongLived("EAABrenewedsystemuser0123456789", 5_183_944));

        var token = await host.PublicManager.GetTokenAsync(key);

        Assert.Equal("EAABrenewedsystemuser0123456789", token.Value);
        Assert.Equal(1, host.Http.GetMatchCount(renew));
        Assert.Single(host.Observer.Refreshed);
        Assert.Equal(TokenRenewedBy.Server, (await host.PublicManager.GetStatusAsync(key))!.RenewedBy);
    }

    [Fact]
    public async Task A_non_expiring_system_user_token_needs_no_renewal()
    {
        await using var host = new LifecycleHost();
        var key = TokenKey.ForSystemUser("300");
        await host.Store.SetAsync(new StoredToken { Key = key, Value = "EAABsystemusertoken0123456789" }, null);

        var token = await host.PublicManager.RefreshAsync(key);
        var status = await host.PublicManager.GetStatusAsync(key);

        Assert.Equal("EAABsystemusertoken0123456789", token.Value);
        Assert.Empty(host.Observer.Refreshed);
        Assert.Equal(TokenRenewedBy.NotNeeded, status!.RenewedBy);
        Assert.Equal(TokenNextAction.None, status.NextAction);
    }
}
