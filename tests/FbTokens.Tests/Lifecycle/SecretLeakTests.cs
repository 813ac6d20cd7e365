using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

public sealed class SecretLeakTests
{
    private const string OldLong = "EAABoldsecretusertoken0123456789";
    private const string NewLong = "EAABnewsecretusertoken0123456789";

    [Fact]
    public async Task No_log_entry_holds_a_token_or_the_app_secret_across_save_refresh_failure_rejection_and_sweep()
    {
        var logs = new CapturingLoggerProvider();
        var graph = new FakeBatchGraphHandler();
        var api = new MockHttpMessageHandler();
        api.Fallback.Respond(req => graph.SendAsyncPublic(req));
        await using var host = new LifecycleHost(
            build: b => b.AddTokenValidationSweep(),
            graph: api,
            services: s => s.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        var calls = 0;
        api.When(HttpMethod.Post, LifecycleHost.Exchange).Respond(_ => ++calls == 1
            ? LifecyclePayloads.Json(HttpStatusCode.BadRequest, LifecyclePayloads.Error(100))
            : LifecyclePayloads.Json(HttpStatusCode.OK, LifecyclePayloads.LongLived(NewLong)));
        await host.SeedUserAsync("1", OldLong, TimeSpan.FromDays(3));
        var invalid = FakeBatchGraphHandler.TokenFor(7, invalid: true);
        await host.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser("7"), Value = invalid, ExpiresAt = host.Now + TimeSpan.FromDays(40) }, null);

        await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1"));               // refresh fails, old token kept
        await host.WhenRefreshIdleAsync(TokenKey.ForUser("1"));
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1"));               // refresh succeeds
        await host.WhenRefreshIdleAsync(TokenKey.ForUser("1"));
        await host.PublicManager.GetTokenAsync(TokenKey.ForApp(LifecycleHost.AppId));
        await host.Services.GetRequiredService<FbTokens.Internal.TokenSweeper>().SweepAsync(CancellationToken.None);
        await host.PublicManager.MarkInvalidAsync(TokenKey.ForUser("1"), TokenErrorReason.InvalidAccessToken);

        Assert.Contains(logs.Entries, e => e.Id.Id == 2004);
        Assert.Contains(logs.Entries, e => e.Id.Id == 2003);
        Assert.Contains(logs.Entries, e => e.Id.Id == 2006);
        Assert.Contains(logs.Entries, e => e.Id.Id == 2008 && e.Level == LogLevel.Trace);
        foreach (var (_, _, text) in logs.Entries)
        {
            Assert.DoesNotContain(OldLong, text, StringComparison.Ordinal);
            Assert.DoesNotContain(NewLong, text, StringComparison.Ordinal);
            Assert.DoesNotContain(invalid, text, StringComparison.Ordinal);
            Assert.DoesNotContain(LifecycleHost.AppSecret, text, StringComparison.Ordinal);
        }
    }
}
