using FbTokens.Internal;

namespace FbTokens.Tests.Options;

/// <summary>
/// Every numeric option at the edge of its range: the last value that is allowed passes, the first one past it fails
/// with exactly one message, and that message starts with the key holding the bad value.
/// </summary>
public sealed class OptionsBoundaryTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan OneDay = TimeSpan.FromDays(1);

    private static FbTokensOptions Valid() => new() { AppId = "138483919580948", AppSecret = "0123456789abcdef0123456789abcdef" };

    private static List<string> Failures(Action<FbTokensOptions> change)
    {
        var options = Valid();
        change(options);
        var result = new FbTokensOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    public static TheoryData<string, Action<FbTokensOptions>> AllowedEdges => new()
    {
        { "PageSize 1", o => o.PageSize = 1 },
        { "PageSize 100", o => o.PageSize = 100 },
        { "MaxRetryAttempts 0", o => o.Resilience.MaxRetryAttempts = 0 },
        { "MaxRetryAttempts 10", o => o.Resilience.MaxRetryAttempts = 10 },
        { "BaseDelay 0", o => o.Resilience.BaseDelay = TimeSpan.Zero },
        { "MaxDelay = BaseDelay", o => o.Resilience.MaxDelay = o.Resilience.BaseDelay },
        { "MaxDelay one day", o => o.Resilience.MaxDelay = OneDay },
        { "AttemptTimeout one tick", o => o.Resilience.AttemptTimeout = Tick },
        { "TotalTimeout = AttemptTimeout", o => o.Resilience.TotalTimeout = o.Resilience.AttemptTimeout },
        { "MaxRateLimitDelay 0", o => o.Resilience.MaxRateLimitDelay = TimeSpan.Zero },
        { "CircuitBreakerFailureRatio 1", o => o.Resilience.CircuitBreakerFailureRatio = 1 },
        { "CircuitBreakerFailureRatio tiny", o => o.Resilience.CircuitBreakerFailureRatio = double.Epsilon },
        { "CircuitBreakerMinimumThroughput 2", o => o.Resilience.CircuitBreakerMinimumThroughput = 2 },
        { "CircuitBreakerSamplingDuration 500 ms", o => o.Resilience.CircuitBreakerSamplingDuration = TimeSpan.FromMilliseconds(500) },
        { "CircuitBreakerSamplingDuration one day", o => o.Resilience.CircuitBreakerSamplingDuration = OneDay },
        { "CircuitBreakerBreakDuration 500 ms", o => o.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500) },
        { "CircuitBreakerBreakDuration one day", o => o.Resilience.CircuitBreakerBreakDuration = OneDay },
        { "UsageThrottleMode Off", o => o.Resilience.UsageThrottleMode = GraphUsageThrottleMode.Off },
        { "UsageThrottleMode FailFast", o => o.Resilience.UsageThrottleMode = GraphUsageThrottleMode.FailFast },
        { "UsageThrottleThreshold 100", o => o.Resilience.UsageThrottleThreshold = 100 },
        { "UsageThrottleThreshold tiny", o => o.Resilience.UsageThrottleThreshold = double.Epsilon },
        { "UsageThrottleDelay 0", o => o.Resilience.UsageThrottleDelay = TimeSpan.Zero },
        { "MaxUsageThrottleDelay 0", o => o.Resilience.MaxUsageThrottleDelay = TimeSpan.Zero },
        { "MaxResponseBodyBytes 1024", o => o.Limits.MaxResponseBodyBytes = 1024 },
        { "MaxErrorBodyBytes 1024", o => o.Limits.MaxErrorBodyBytes = 1024 },
        { "MaxPages 1", o => o.Limits.MaxPages = 1 },
        { "MaxConsecutiveEmptyPages 1", o => o.Limits.MaxConsecutiveEmptyPages = 1 },
        { "MaxSeenPageLinks 1", o => o.Limits.MaxSeenPageLinks = 1 },
        { "AppSecret of the first and last printable characters", o => o.AppSecret = "!~" },
        { "ClientToken of the first and last printable characters", o => o.ClientToken = "~!" },
        { "AppId of 32 digits", o => o.AppId = new string('7', 32) },
    };

    public static TheoryData<string, Action<FbTokensOptions>, string> RefusedEdges => new()
    {
        { "PageSize 0", o => o.PageSize = 0, "FbTokens:PageSize must be between 1 and 100." },
        { "PageSize 101", o => o.PageSize = 101, "FbTokens:PageSize must be between 1 and 100." },
        { "MaxRetryAttempts -1", o => o.Resilience.MaxRetryAttempts = -1, "FbTokens:Resilience:MaxRetryAttempts must be between 0 and 10." },
        { "MaxRetryAttempts 11", o => o.Resilience.MaxRetryAttempts = 11, "FbTokens:Resilience:MaxRetryAttempts must be between 0 and 10." },
        { "BaseDelay below zero", o => o.Resilience.BaseDelay = -Tick, "FbTokens:Resilience:BaseDelay must be zero or positive." },
        { "MaxDelay below BaseDelay", o => o.Resilience.MaxDelay = o.Resilience.BaseDelay - Tick, "FbTokens:Resilience:MaxDelay must not be below FbTokens:Resilience:BaseDelay." },
        { "MaxDelay past one day", o => o.Resilience.MaxDelay = OneDay + Tick, "FbTokens:Resilience:MaxDelay must be at most one day." },
        { "AttemptTimeout zero", o => { o.Resilience.AttemptTimeout = TimeSpan.Zero; }, "FbTokens:Resilience:AttemptTimeout must be positive." },
        { "TotalTimeout below AttemptTimeout", o => o.Resilience.TotalTimeout = o.Resilience.AttemptTimeout - Tick, "FbTokens:Resilience:TotalTimeout must not be below FbTokens:Resilience:AttemptTimeout." },
        { "MaxRateLimitDelay below zero", o => o.Resilience.MaxRateLimitDelay = -Tick, "FbTokens:Resilience:MaxRateLimitDelay must be zero or positive." },
        { "CircuitBreakerFailureRatio 0", o => o.Resilience.CircuitBreakerFailureRatio = 0, "FbTokens:Resilience:CircuitBreakerFailureRatio must be in (0, 1]." },
        { "CircuitBreakerFailureRatio above 1", o => o.Resilience.CircuitBreakerFailureRatio = 1.0000001, "FbTokens:Resilience:CircuitBreakerFailureRatio must be in (0, 1]." },
        { "CircuitBreakerMinimumThroughput 1", o => o.Resilience.CircuitBreakerMinimumThroughput = 1, "FbTokens:Resilience:CircuitBreakerMinimumThroughput must be at least 2." },
        { "CircuitBreakerSamplingDuration below 500 ms", o => o.Resilience.CircuitBreakerSamplingDuration = TimeSpan.FromMilliseconds(500) - Tick, "FbTokens:Resilience:CircuitBreakerSamplingDuration must be between 500 ms and one day." },
        { "CircuitBreakerSamplingDuration past one day", o => o.Resilience.CircuitBreakerSamplingDuration = OneDay + Tick, "FbTokens:Resilience:CircuitBreakerSamplingDuration must be between 500 ms and one day." },
        { "CircuitBreakerBreakDuration below 500 ms", o => o.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromMilliseconds(500) - Tick, "FbTokens:Resilience:CircuitBreakerBreakDuration must be between 500 ms and one day." },
        { "CircuitBreakerBreakDuration past one day", o => o.Resilience.CircuitBreakerBreakDuration = OneDay + Tick, "FbTokens:Resilience:CircuitBreakerBreakDuration must be between 500 ms and one day." },
        { "UsageThrottleMode unknown", o => o.Resilience.UsageThrottleMode = (GraphUsageThrottleMode)3, "FbTokens:Resilience:UsageThrottleMode is not a known value." },
        { "UsageThrottleThreshold 0", o => o.Resilience.UsageThrottleThreshold = 0, "FbTokens:Resilience:UsageThrottleThreshold must be in (0, 100]." },
        { "UsageThrottleThreshold above 100", o => o.Resilience.UsageThrottleThreshold = 100.000001, "FbTokens:Resilience:UsageThrottleThreshold must be in (0, 100]." },
        { "UsageThrottleDelay below zero", o => o.Resilience.UsageThrottleDelay = -Tick, "FbTokens:Resilience:UsageThrottleDelay must be zero or positive." },
        { "MaxUsageThrottleDelay below zero", o => o.Resilience.MaxUsageThrottleDelay = -Tick, "FbTokens:Resilience:MaxUsageThrottleDelay must be zero or positive." },
        { "Resilience null", o => o.Resilience = null!, "FbTokens:Resilience must not be null." },
        { "MaxResponseBodyBytes 1023", o => o.Limits.MaxResponseBodyBytes = 1023, "FbTokens:Limits:MaxResponseBodyBytes must be at least 1024." },
        { "MaxErrorBodyBytes 1023", o => o.Limits.MaxErrorBodyBytes = 1023, "FbTokens:Limits:MaxErrorBodyBytes must be at least 1024." },
        { "MaxPages 0", o => o.Limits.MaxPages = 0, "FbTokens:Limits:MaxPages must be at least 1." },
        { "MaxConsecutiveEmptyPages 0", o => o.Limits.MaxConsecutiveEmptyPages = 0, "FbTokens:Limits:MaxConsecutiveEmptyPages must be at least 1." },
        { "MaxSeenPageLinks 0", o => o.Limits.MaxSeenPageLinks = 0, "FbTokens:Limits:MaxSeenPageLinks must be at least 1." },
        { "Limits null", o => o.Limits = null!, "FbTokens:Limits must not be null." },
        { "AppId missing", o => o.AppId = " ", "FbTokens:AppId is required: set it to the numeric app id from the app dashboard." },
        { "AppId of 33 digits", o => o.AppId = new string('7', 33), "FbTokens:AppId must be the numeric app id (digits only)." },
        { "GraphApiVersion null", o => o.GraphApiVersion = null!, "FbTokens:GraphApiVersion must look like 'v24.0': a 'v', one to three ASCII digits, '.', one or two ASCII digits, and nothing else." },
        { "GraphBaseAddress null", o => o.GraphBaseAddress = null!, "FbTokens:GraphBaseAddress must be an absolute URI such as https://graph.facebook.com/." },
        { "GraphBaseAddress relative", o => o.GraphBaseAddress = new Uri("/graph/", UriKind.Relative), "FbTokens:GraphBaseAddress must be an absolute URI such as https://graph.facebook.com/." },
        { "GraphBaseAddress not http", o => o.GraphBaseAddress = new Uri("wss://graph.facebook.com/"), "FbTokens:GraphBaseAddress must be an http or https URI." },
        { "GraphBaseAddress with a query", o => o.GraphBaseAddress = new Uri("https://graph.facebook.com/?a=b"), "FbTokens:GraphBaseAddress must not have a query ('?'), a fragment ('#') or user-info ('user@'): give scheme, host, port and path only." },
        { "AppSecret with a space", o => o.AppSecret = "abc def", "FbTokens:AppSecret is set but empty, or has white space, control or non-ASCII characters (the value is not shown)." },
        { "AppSecret with DEL", o => o.AppSecret = "abc\u007f", "FbTokens:AppSecret is set but empty, or has white space, control or non-ASCII characters (the value is not shown)." },
        { "ClientToken with a space", o => o.ClientToken = " ", "FbTokens:ClientToken is set but empty, or has white space, control or non-ASCII characters (the value is not shown)." },
    };

    [Theory]
    [MemberData(nameof(AllowedEdges))]
    public void The_last_allowed_value_passes(string edge, Action<FbTokensOptions> change)
    {
        Assert.True(Failures(change).Count == 0, edge + ": " + string.Join(" | ", Failures(change)));
    }

    [Theory]
    [MemberData(nameof(RefusedEdges))]
    public void The_first_refused_value_fails_with_one_message_naming_its_key(string edge, Action<FbTokensOptions> change, string message)
    {
        var failures = Failures(change);

        Assert.True(failures.Count == 1, edge + ": " + string.Join(" | ", failures));
        Assert.Equal(message, failures[0]);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once()
    {
        var failures = Failures(o =>
        {
            o.PageSize = 0;
            o.Resilience.MaxRetryAttempts = 11;
            o.Resilience.CircuitBreakerMinimumThroughput = 1;
            o.Limits.MaxPages = 0;
            o.Limits.MaxSeenPageLinks = 0;
        });

        Assert.Equal(5, failures.Count);
    }

    [Fact]
    public void A_named_app_is_reported_under_its_own_key()
    {
        var options = Valid();
        options.Limits.MaxPages = 0;

        var result = new FbTokensOptionsValidator().Validate("ads", options);

        Assert.Equal("FbTokens:Apps:ads:Limits:MaxPages must be at least 1.", Assert.Single(result.Failures!));
    }
}
