using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Errors;

/// <summary>
/// <c>Retry-After</c> comes from the network: a delta of up to ~68 years or any HTTP-date parses, so the wait it names
/// is range-checked before it becomes <see cref="GraphRateLimitException.RetryAfter"/>: at most a day, never negative.
/// And a rate limit sent with HTTP 200 surfaces at once (documented on <see cref="GraphRateLimitException"/>).
/// </summary>
public sealed class RateLimitWaitTests : IDisposable
{
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    private readonly GraphTestHost _host = new(o => o.Resilience.MaxRetryAttempts = 0);

    public void Dispose() => _host.Dispose();

    public static TheoryData<string, TimeSpan?> Waits => new()
    {
        // Deltas: as sent up to a day; longer is capped at a day.
        { "0", TimeSpan.Zero },
        { "42", TimeSpan.FromSeconds(42) },
        { "86400", OneDay },
        { "86401", OneDay },
        { "31536000", OneDay },
        { "2147483647", OneDay },

        // HTTP-dates, against the host's clock (2026-11-28 12:00:00 UTC): the time left, capped; a past date is zero.
        { "Sat, 28 Nov 2026 12:00:05 GMT", TimeSpan.FromSeconds(5) },
        { "Sun, 29 Nov 2026 12:00:00 GMT", OneDay },
        { "Sun, 29 Nov 2026 12:00:01 GMT", OneDay },
        { "Fri, 31 Dec 9999 23:59:59 GMT", OneDay },
        { "Wed, 21 Oct 2015 07:28:00 GMT", TimeSpan.Zero },
        { "Mon, 01 Jan 0001 00:00:00 GMT", TimeSpan.Zero },

        // Not a Retry-After value: as if absent (no usage header here, so unknown).
        { "-1", null },
        { "1.5", null },
        { "1e300", null },
        { "99999999999999999999", null },
        { "abc", null },
        { "Fri, 31 Dec 99999 23:59:59 GMT", null },
    };

    [Theory]
    [MemberData(nameof(Waits))]
    public async Task Retry_After_is_at_most_a_day_and_never_negative(string header, TimeSpan? expected)
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
            response.Headers.TryAddWithoutValidation("Retry-After", header);
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(expected, error.RetryAfter);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    public async Task A_garbled_Retry_After_falls_back_to_the_usage_estimate(string header)
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(80004), HttpStatusCode.BadRequest);
            response.Headers.TryAddWithoutValidation("Retry-After", header);
            response.Headers.Add("X-Business-Use-Case-Usage", """{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":19}]}""");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromMinutes(19), error.RetryAfter);
    }

    [Fact]
    public async Task Without_Retry_After_the_longest_usage_estimate_is_the_wait()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(80004), HttpStatusCode.BadRequest);
            response.Headers.Add("X-Business-Use-Case-Usage",
                """{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":30},{"type":"ads_management","call_count":100,"estimated_time_to_regain_access":0}],"2":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":19},{"type":"instagram","call_count":99}]}""");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromMinutes(30), error.RetryAfter);
    }

    [Fact]
    public void The_classifier_caps_a_far_future_date_whatever_the_clock()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT");
        var farPast = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.MinValue.AddYears(1));

        Assert.Equal(OneDay, GraphErrorClassifier.RetryAfter(response.Headers, null, farPast));
        Assert.Equal(OneDay, GraphErrorClassifier.RetryAfter(response.Headers, null, _host.Time));
    }

    [Fact]
    public async Task A_huge_Retry_After_surfaces_at_once_rather_than_being_waited_for()
    {
        using var host = new GraphTestHost(o => o.Resilience.MaxRetryAttempts = 3);
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            Interlocked.Increment(ref calls);
            var response = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
            response.Headers.TryAddWithoutValidation("Retry-After", "2147483647");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(OneDay, error.RetryAfter);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_rate_limit_envelope_with_HTTP_200_surfaces_at_once_even_with_retries_on()
    {
        using var host = new GraphTestHost(o => o.Resilience.MaxRetryAttempts = 3);
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            Interlocked.Increment(ref calls);
            var response = GraphTestHost.Json(Error(4));
            response.Headers.Add("Retry-After", "1");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Equal(1, calls);
    }
}
