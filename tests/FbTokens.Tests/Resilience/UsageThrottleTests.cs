using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.Logging.Abstractions;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

/// <summary>
/// The limits of the local usage throttle: a held call waits only the rest of the pause, a report throttles for at
/// most <see cref="GraphResilienceOptions.MaxUsageThrottleDelay"/> since it arrived, a pause of exactly that long is
/// still waited rather than failed, and the wait is counted and explained.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class UsageThrottleTests
{
    private const string HighAppUsage = """{"call_count":95,"total_time":20,"total_cputime":20}""";

    private static GraphTestHost Host(GraphUsageThrottleMode mode, Action<GraphResilienceOptions>? more = null, string header = "X-App-Usage", string value = HighAppUsage)
    {
        var host = new GraphTestHost(o =>
        {
            o.Resilience.UsageThrottleMode = mode;
            o.Resilience.AttemptTimeout = TimeSpan.FromHours(1);
            o.Resilience.TotalTimeout = TimeSpan.FromHours(2);
            more?.Invoke(o.Resilience);
        });
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(DebugValid);
            response.Headers.TryAddWithoutValidation(header, value);
            return response;
        });
        return host;
    }

    [Fact]
    public async Task A_call_failing_fast_is_told_the_rest_of_the_pause_and_why()
    {
        using var capture = new TelemetryCapture();
        using var host = Host(GraphUsageThrottleMode.FailFast);
        await host.Client.DebugTokenAsync(LongLivedToken);
        host.Time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(GraphUsageThrottle.LocalThrottleCode, error.Code);
        Assert.Contains("Not sent: Graph reported 95% of the rate limit used (threshold 90%).", error.Message, StringComparison.Ordinal);
        Assert.Contains(capture.Measurements, m => m.Instrument == "fbtokens.rate_limits"
            && (string?)m.Tag("fbtokens.outcome") == "local_throttle" && (string?)m.Tag("fbtokens.operation") == "DebugToken");
        Assert.Single(host.Requests);
    }

    [Fact]
    public async Task Once_the_pause_has_passed_exactly_the_call_goes_out()
    {
        using var host = Host(GraphUsageThrottleMode.FailFast);
        await host.Client.DebugTokenAsync(LongLivedToken);
        host.Time.Advance(TimeSpan.FromSeconds(5));

        await host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task A_report_naming_a_longer_wait_throttles_for_MaxUsageThrottleDelay_and_no_longer()
    {
        using var host = Host(GraphUsageThrottleMode.Delay, header: "X-Business-Use-Case-Usage",
            value: """{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":60}]}""");
        await host.Client.DebugTokenAsync(LongLivedToken);
        host.Time.Advance(TimeSpan.FromSeconds(29));

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        Assert.Equal(TimeSpan.FromSeconds(3571), error.RetryAfter);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.Client.DebugTokenAsync(LongLivedToken);
        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task A_pause_of_exactly_MaxUsageThrottleDelay_is_waited_not_failed()
    {
        using var host = Host(GraphUsageThrottleMode.Delay, r => r.UsageThrottleDelay = r.MaxUsageThrottleDelay);
        await host.Client.DebugTokenAsync(LongLivedToken);

        var second = host.Client.DebugTokenAsync(LongLivedToken);
        Assert.False(second.IsCompleted);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task A_pause_longer_than_a_timer_can_hold_is_waited_as_the_longest_timer()
    {
        using var host = Host(GraphUsageThrottleMode.Delay, r => r.UsageThrottleDelay = r.MaxUsageThrottleDelay = TimeSpan.FromDays(30));
        await host.Client.DebugTokenAsync(LongLivedToken);

        var second = host.Client.DebugTokenAsync(LongLivedToken);
        Assert.False(second.IsCompleted);
        host.Time.Advance(TimeSpan.FromMilliseconds(int.MaxValue));
        await second.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task An_ad_account_exactly_at_the_threshold_holds_calls_for_its_reset_time()
    {
        using var host = Host(GraphUsageThrottleMode.FailFast, header: "X-Ad-Account-Usage",
            value: """{"acc_id_util_pct":90,"reset_time_duration":20,"ads_api_access_tier":"standard_access"}""");
        await host.Client.DebugTokenAsync(LongLivedToken);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromSeconds(20), error.RetryAfter);
    }

    [Fact]
    public async Task A_report_from_a_clock_since_set_back_holds_calls_for_the_pause_not_longer()
    {
        var clock = new SettableClock(GraphTestHost.Start);
        var tracker = new GraphUsageTracker(clock);
        var options = new FbTokensOptions { AppId = GraphTestHost.AppId, AppSecret = GraphTestHost.AppSecret };
        options.Resilience.UsageThrottleMode = GraphUsageThrottleMode.FailFast;
        var throttle = new GraphUsageThrottle(tracker, Microsoft.Extensions.Options.Options.Create(options), clock, NullLogger<GraphUsageThrottle>.Instance);
        tracker.Record(new GraphUsage(new AppUsage(95, 1, 1), [], null));
        clock.Now = GraphTestHost.Start - TimeSpan.FromSeconds(10);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => throttle.WaitIfThrottledAsync("DebugToken", CancellationToken.None).AsTask());

        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
