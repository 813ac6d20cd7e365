using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

/// <summary>Graph's usage headers: whatever they hold, a call gets a record or a documented exception, and no state poisons later calls.</summary>
public sealed class UsageHeaderTests
{
    private const string AppUsage = "X-App-Usage";
    private const string BucUsage = "X-Business-Use-Case-Usage";
    private const string AdUsage = "X-Ad-Account-Usage";

    private static HttpResponseMessage WithHeader(HttpResponseMessage response, string name, string value)
    {
        response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    private static HttpResponseMessage Ok(string name, string value) => WithHeader(GraphTestHost.Json(DebugValid), name, value);

    private static string Buc(string minutes, double callCount = 100) =>
        "{\"1353269864728879\":[{\"type\":\"pages\",\"call_count\":" + callCount.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + ",\"total_cputime\":1,\"total_time\":1,\"estimated_time_to_regain_access\":" + minutes + "}]}";

    /// <summary>
    /// Moves the fake clock on by <paramref name="by"/> in one step, then waits (bounded in real time) for
    /// <paramref name="call"/>: the throttle sets its timer before the call's first await, so one step fires it.
    /// </summary>
    private static async Task<T> AdvanceThenAwaitAsync<T>(GraphTestHost host, Task<T> call, TimeSpan by)
    {
        host.Time.Advance(by);
        return await call.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static GraphTestHost LongTimeouts(Action<FbTokensOptions>? more = null) => new(o =>
    {
        o.Resilience.AttemptTimeout = TimeSpan.FromHours(1);
        o.Resilience.TotalTimeout = TimeSpan.FromHours(2);
        more?.Invoke(o);
    });

    // ---- Defect 1: one response must not poison every later call ----

    [Theory]
    [InlineData("1e10")] // fits a TimeSpan, not a date: ArgumentOutOfRangeException from the throttle, for ever
    [InlineData("1e300")] // does not fit a TimeSpan: OverflowException
    [InlineData("9223372036854775807")]
    [InlineData("-5")]
    public async Task A_huge_or_negative_regain_estimate_never_poisons_later_calls(string minutes)
    {
        using var host = LongTimeouts();
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ => Interlocked.Increment(ref calls) == 1 ? Ok(BucUsage, Buc(minutes)) : GraphTestHost.Json(DebugValid));
        var cap = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FbTokensOptions>>().Value.Resilience.MaxUsageThrottleDelay;

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);

        // The next call is held at most the cap (usage is high), then sent; later ones go straight through.
        Assert.True((await AdvanceThenAwaitAsync(host, host.Client.DebugTokenAsync(LongLivedToken), cap)).IsValid);
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(GraphUsageThrottleMode.Delay)]
    [InlineData(GraphUsageThrottleMode.FailFast)]
    public async Task A_regain_estimate_beyond_the_cap_holds_calls_no_longer_than_the_cap(GraphUsageThrottleMode mode)
    {
        using var host = LongTimeouts(o => o.Resilience.UsageThrottleMode = mode);
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ => Interlocked.Increment(ref calls) == 1 ? Ok(BucUsage, Buc("600")) : GraphTestHost.Json(DebugValid));
        await host.Client.DebugTokenAsync(LongLivedToken);

        // Graph says ten hours: within the cap's window the call fails fast, with Graph's estimate…
        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        Assert.Equal(TimeSpan.FromHours(10), error.RetryAfter);
        Assert.Equal(1, calls);

        // …and once the cap has passed, calls reach Graph again, which answers afresh.
        host.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_later_usage_report_replaces_the_earlier_one()
    {
        using var host = LongTimeouts();
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ => Interlocked.Increment(ref calls) == 1
            ? Ok(BucUsage, Buc("1e10"))
            : Ok(AppUsage, """{"call_count":3,"total_time":2,"total_cputime":1}"""));
        var monitor = host.Services.GetRequiredService<IGraphUsageMonitor>();

        await host.Client.DebugTokenAsync(LongLivedToken);
        Assert.Null(Assert.Single(monitor.Current!.BusinessUseCases).EstimatedTimeToRegainAccess);

        await AdvanceThenAwaitAsync(host, host.Client.DebugTokenAsync(LongLivedToken), TimeSpan.FromSeconds(30));

        Assert.Empty(monitor.Current!.BusinessUseCases);
        Assert.Equal(3, monitor.Current.MaxPercent);
        Assert.Equal(host.Time.GetUtcNow(), monitor.UpdatedAt);
    }

    // ---- Defect 2: usage headers are parsed totally, on any operation and status ----

    private static readonly string[] OddNumbers =
    [
        "1e300", "-1e300", "1e400", "-1", "null", "\"abc\"", "\"1e300\"", "\"NaN\"", "\"Infinity\"", "true", "{}", "[]", "[1]",
        "1.7976931348623157e308", "0.0000000000000000000001", "79228162514264337593543950336", "\"\"",
    ];

    public static TheoryData<string, string> OddHeaders()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in OddNumbers)
        {
            data.Add(AppUsage, "{\"call_count\":" + v + ",\"total_time\":" + v + ",\"total_cputime\":" + v + "}");
            data.Add(BucUsage, "{\"1\":[{\"type\":" + v + ",\"call_count\":" + v + ",\"total_time\":1,\"total_cputime\":1,\"estimated_time_to_regain_access\":" + v + "}]}");
            data.Add(BucUsage, "{\"1\":[{\"type\":\"pages\",\"call_count\":100,\"estimated_time_to_regain_access\":" + v + "}]}");
            data.Add(BucUsage, "{\"1\":[" + v + "]}");
            data.Add(BucUsage, "{\"1\":" + v + "}");
            data.Add(AdUsage, "{\"acc_id_util_pct\":" + v + ",\"reset_time_duration\":" + v + ",\"ads_api_access_tier\":" + v + "}");
            data.Add(AppUsage, v);
            data.Add(BucUsage, v);
            data.Add(AdUsage, v);
        }

        data.Add(BucUsage, "{\"1\":[null]}");
        data.Add(BucUsage, "{\"1\":[null,{\"type\":\"pages\",\"call_count\":5}]}");
        data.Add(BucUsage, "{\"1\":null,\"2\":[{}]}");
        data.Add(BucUsage, new string('[', 5000) + new string(']', 5000));
        data.Add(AppUsage, "{\"call_count\":1,\"call_count\":1e300}");
        data.Add(AppUsage, "{\"call_count\":5,\"total_time\":5,\"total_cputime\":5} trailing");
        data.Add(AppUsage, "\u0000");
        return data;
    }

    [Theory]
    [MemberData(nameof(OddHeaders))]
    public void The_parser_is_total(string header, string value)
    {
        using var response = WithHeader(new HttpResponseMessage(HttpStatusCode.OK), header, value);

        var usage = GraphUsageParser.Parse(response.Headers);

        if (usage is not null)
        {
            Assert.True(double.IsFinite(usage.MaxPercent) && usage.MaxPercent >= 0, $"MaxPercent {usage.MaxPercent}");
            foreach (var bucket in usage.BusinessUseCases)
            {
                Assert.NotNull(bucket.BusinessId);
                Assert.True(bucket.EstimatedTimeToRegainAccess is null || (bucket.EstimatedTimeToRegainAccess >= TimeSpan.Zero && bucket.EstimatedTimeToRegainAccess <= GraphUsageParser.LongestWait));
            }

            Assert.True(usage.AdAccount is null || (usage.AdAccount.ResetTimeDuration >= TimeSpan.Zero && usage.AdAccount.ResetTimeDuration <= GraphUsageParser.LongestWait));
        }
    }

    public static TheoryData<string, string> IssueHeaders() => new()
    {
        { BucUsage, "{\"1\":[null]}" },
        { BucUsage, Buc("1e300") },
        { AppUsage, "{\"call_count\":1e300,\"total_time\":1,\"total_cputime\":1}" },
        { AdUsage, "{\"acc_id_util_pct\":1,\"reset_time_duration\":1e300}" },
    };

    [Theory]
    [MemberData(nameof(IssueHeaders))]
    public async Task Odd_usage_headers_never_fail_a_successful_call_of_any_operation(string header, string value)
    {
        using var host = LongTimeouts(o => o.Resilience.UsageThrottleMode = GraphUsageThrottleMode.Off);
        host.On(HttpMethod.Get, "debug_token", _ => Ok(header, value));
        host.On(HttpMethod.Post, "oauth/access_token", _ => WithHeader(GraphTestHost.Json(LongLived), header, value));
        host.On(HttpMethod.Get, "oauth/access_token", _ => WithHeader(GraphTestHost.Json(LongLived), header, value));

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(LongLivedToken, (await host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken)).AccessToken);
        Assert.Equal(LongLivedToken, (await host.Client.ExchangeCodeAsync(Code, new Uri("https://app.example.com/cb"))).AccessToken);
    }

    [Theory]
    [MemberData(nameof(IssueHeaders))]
    public async Task Odd_usage_headers_on_an_error_give_the_documented_Graph_exception(string header, string value)
    {
        using var host = new GraphTestHost(o => o.Resilience.MaxRetryAttempts = 1);
        host.On(HttpMethod.Get, "debug_token", _ => WithHeader(GraphTestHost.Json(Error(80004), HttpStatusCode.BadRequest), header, value));

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(80004, error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task A_response_whose_usage_header_is_odd_is_still_disposed()
    {
        using var host = LongTimeouts();
        var content = new DisposeRecordingContent(DebugValid);
        host.On(HttpMethod.Get, "debug_token", _ => WithHeader(new HttpResponseMessage(HttpStatusCode.OK) { Content = content }, BucUsage, "{\"1\":[null]}"));

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);

        Assert.True(content.Disposed);
    }

    [Fact]
    public async Task The_attempt_handler_disposes_the_response_when_recording_it_throws()
    {
        var content = new DisposeRecordingContent(DebugValid);
        var tracker = new GraphUsageTracker(new ThrowingClock());
        using var handler = new GraphAttemptHandler(tracker, Microsoft.Extensions.Options.Options.Create(new FbTokensOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<GraphAttemptHandler>.Instance)
        {
            InnerHandler = new StubHandler(() => WithHeader(new HttpResponseMessage(HttpStatusCode.OK) { Content = content }, AppUsage, """{"call_count":5,"total_time":5,"total_cputime":5}""")),
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://graph.facebook.com/v24.0/debug_token");

        await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.True(content.Disposed);
    }

    // ---- Real payloads (Meta's rate-limiting docs) ----

    [Fact]
    public async Task Every_documented_usage_header_reaches_the_monitor()
    {
        using var host = new GraphTestHost(o => o.Resilience.UsageThrottleMode = GraphUsageThrottleMode.Off);
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(DebugValid);
            response.Headers.Add(AppUsage, """{"call_count":28,"total_time":25,"total_cputime":25}""");
            response.Headers.Add("X-Page-Usage", """{"call_count":120,"total_cputime":30,"total_time":45}""");
            response.Headers.Add(BucUsage, """{"1353269864728879":[{"type":"pages","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":19,"ads_api_access_tier":"development_access"}],"66782684":[{"type":"ads_management","call_count":5,"total_cputime":1,"total_time":2,"estimated_time_to_regain_access":0}]}""");
            response.Headers.Add(AdUsage, """{"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"}""");
            return response;
        });

        await host.Client.DebugTokenAsync(LongLivedToken);

        var usage = host.Services.GetRequiredService<IGraphUsageMonitor>().Current!;
        Assert.Equal(new FbTokens.AppUsage(28, 25, 25), usage.App);
        Assert.Equal(new FbTokens.AppUsage(120, 45, 30), usage.Page);
        Assert.Equal(120, usage.MaxPercent);
        Assert.Collection(
            usage.BusinessUseCases,
            b => Assert.Equal(new BusinessUseCaseUsage("1353269864728879", "pages", 95, 20, 20, TimeSpan.FromMinutes(19)), b),
            b => Assert.Equal(new BusinessUseCaseUsage("66782684", "ads_management", 5, 2, 1, TimeSpan.Zero), b));
        Assert.Equal(new AdAccountUsage(9.67, TimeSpan.FromSeconds(100), "standard_access"), usage.AdAccount);
    }

    public static TheoryData<string, string, double, TimeSpan> HighUsage() => new()
    {
        // Page usage above 100, no estimate: the configured pause (5 s).
        { "X-Page-Usage", """{"call_count":120,"total_cputime":30,"total_time":45}""", 120, TimeSpan.FromSeconds(5) },

        // A business use case's own estimate, in minutes.
        { BucUsage, """{"1":[{"type":"pages","call_count":100,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":2}]}""", 100, TimeSpan.FromMinutes(2) },

        // The ad account at the threshold: its reset time, in seconds.
        { AdUsage, """{"acc_id_util_pct":95,"reset_time_duration":20,"ads_api_access_tier":"standard_access"}""", 95, TimeSpan.FromSeconds(20) },

        // (Every case but the ad account's own also reports an ad account far from its limit, resetting in 10 minutes:
        // it does not lend its reset time to another budget's high usage.)
        { AppUsage, """{"call_count":95,"total_time":1,"total_cputime":1}""", 95, TimeSpan.FromSeconds(5) },
    };

    [Theory]
    [MemberData(nameof(HighUsage))]
    public async Task Each_budget_at_the_threshold_throttles_the_next_call_for_Graph_s_wait(string header, string value, double percent, TimeSpan wait)
    {
        using var host = new GraphTestHost(o => o.Resilience.UsageThrottleMode = GraphUsageThrottleMode.FailFast);
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = Ok(header, value);
            if (header != AdUsage)
            {
                response.Headers.TryAddWithoutValidation(AdUsage, """{"acc_id_util_pct":1,"reset_time_duration":600}""");
            }

            return response;
        });
        await host.Client.DebugTokenAsync(LongLivedToken);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(percent, error.Usage!.MaxPercent);
        Assert.Equal(wait, error.RetryAfter);
        Assert.Single(host.Requests);
    }

    [Theory]
    [InlineData("v24.0", true)]
    [InlineData("v2.12", true)]
    [InlineData("v100.999", true)]
    [InlineData("v24", false)]
    [InlineData("24.0", false)]
    [InlineData("V24.0", false)]
    [InlineData("v2400.0", false)]
    [InlineData("v24.0000", false)]
    [InlineData("v24.0\n", false)]
    [InlineData("v24.0.1", false)]
    [InlineData("v.0", false)]
    [InlineData("v24.", false)]
    [InlineData("v\uFF12\uFF14.0", false)] // full-width digits
    [InlineData("v\u0662\u0664.0", false)] // Arabic-Indic digits
    [InlineData("v24.0 ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_a_well_formed_API_version_is_believed(string? value, bool valid) =>
        Assert.Equal(valid, GraphUsageParser.IsApiVersion(value is null ? null : System.Text.RegularExpressions.Regex.Unescape(value)));

    // ---- The retry delay Graph asks for is capped ----

    [Fact]
    public async Task A_Retry_After_on_a_transient_error_is_capped_at_MaxRateLimitDelay()
    {
        var logs = new CapturingLoggerProvider();
        using var host = new GraphTestHost(
            o =>
            {
                // Timeouts far beyond what the loop below can advance the clock: only the retry delay is measured.
                o.Resilience.AttemptTimeout = TimeSpan.FromDays(10);
                o.Resilience.TotalTimeout = TimeSpan.FromDays(20);
            },
            fb => fb.Services.AddLogging(l => l.AddProvider(logs)));
        var calls = 0;
        var firstAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                return GraphTestHost.Json(DebugValid);
            }

            firstAnswered.TrySetResult();
            return WithHeader(GraphTestHost.Json(Error(2, transient: true), HttpStatusCode.ServiceUnavailable), "Retry-After", "3600");
        });

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await firstAnswered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Bounded in real time, not in steps: on a loaded machine the retry's timer may be registered only after many
        // steps. The assertion is on the logged delay, so how far the fake clock runs does not matter.
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!call.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.True((await call.WaitAsync(TimeSpan.FromSeconds(30))).IsValid);
        Assert.Equal(2, calls);
        var retry = Assert.Single(logs.Entries, e => e.Id.Id == 1004);
        Assert.Contains("in 30000 ms", retry.Text, StringComparison.Ordinal);
    }

    internal sealed class DisposeRecordingContent(string json) : StringContent(json, System.Text.Encoding.UTF8, "application/json")
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private sealed class StubHandler(Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer());
    }

    /// <summary>A clock that fails when read: stands for anything that throws after the response arrived.</summary>
    private sealed class ThrowingClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => throw new InvalidOperationException("clock broken");
    }
}
