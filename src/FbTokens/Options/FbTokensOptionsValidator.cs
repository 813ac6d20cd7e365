using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>Checks <see cref="FbTokensOptions"/> at start-up and lists every problem at once.</summary>
internal sealed partial class FbTokensOptionsValidator : IValidateOptions<FbTokensOptions>
{
    public ValidateOptionsResult Validate(string? name, FbTokensOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            failures.Add("FbTokens:AppId is required: set it to the numeric app id from the app dashboard.");
        }
        else if (!AppIdPattern().IsMatch(options.AppId))
        {
            failures.Add("FbTokens:AppId must be the numeric app id (digits only).");
        }

        if (options.AppSecret is not null && (options.AppSecret.Length == 0 || options.AppSecret.Any(char.IsWhiteSpace)))
        {
            // Never echo the value itself.
            failures.Add("FbTokens:AppSecret is set but empty or contains white space.");
        }

        if (options.GraphApiVersion is null || !VersionPattern().IsMatch(options.GraphApiVersion))
        {
            failures.Add($"FbTokens:GraphApiVersion must look like 'v24.0' (was '{options.GraphApiVersion}').");
        }

        if (options.GraphBaseAddress is null || !options.GraphBaseAddress.IsAbsoluteUri)
        {
            failures.Add("FbTokens:GraphBaseAddress must be an absolute URI such as https://graph.facebook.com/.");
        }
        else if (options.GraphBaseAddress.Scheme != Uri.UriSchemeHttps && options.GraphBaseAddress.Scheme != Uri.UriSchemeHttp)
        {
            failures.Add("FbTokens:GraphBaseAddress must be an http or https URI.");
        }

        if (options.PageSize is < 1 or > 100)
        {
            failures.Add("FbTokens:PageSize must be between 1 and 100.");
        }

        var resilience = options.Resilience;
        if (resilience is null)
        {
            failures.Add("FbTokens:Resilience must not be null.");
        }
        else
        {
            if (resilience.MaxRetryAttempts is < 0 or > 10)
            {
                failures.Add("FbTokens:Resilience:MaxRetryAttempts must be between 0 and 10.");
            }

            if (resilience.BaseDelay < TimeSpan.Zero || resilience.MaxDelay < resilience.BaseDelay)
            {
                failures.Add("FbTokens:Resilience:BaseDelay must be zero or positive and not above MaxDelay.");
            }

            if (resilience.AttemptTimeout <= TimeSpan.Zero || resilience.TotalTimeout < resilience.AttemptTimeout)
            {
                failures.Add("FbTokens:Resilience:AttemptTimeout must be positive and not above TotalTimeout.");
            }

            if (resilience.MaxRateLimitDelay < TimeSpan.Zero)
            {
                failures.Add("FbTokens:Resilience:MaxRateLimitDelay must be zero or positive.");
            }

            if (resilience.CircuitBreakerFailureRatio is <= 0 or > 1 || resilience.CircuitBreakerMinimumThroughput < 2
                || resilience.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || resilience.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
            {
                failures.Add("FbTokens:Resilience:CircuitBreaker* must be: FailureRatio in (0, 1], MinimumThroughput at least 2, SamplingDuration and BreakDuration at least 500 ms.");
            }

            if (resilience.UsageThrottleThreshold is <= 0 or > 100 || resilience.UsageThrottleDelay < TimeSpan.Zero || resilience.MaxUsageThrottleDelay < TimeSpan.Zero)
            {
                failures.Add("FbTokens:Resilience:UsageThrottleThreshold must be in (0, 100] and the throttle delays zero or positive.");
            }
        }

        var limits = options.Limits;
        if (limits is null)
        {
            failures.Add("FbTokens:Limits must not be null.");
        }
        else
        {
            if (limits.MaxResponseBodyBytes < 1024 || limits.MaxErrorBodyBytes < 1024)
            {
                failures.Add("FbTokens:Limits:MaxResponseBodyBytes and MaxErrorBodyBytes must be at least 1024.");
            }

            if (limits.MaxPages < 1 || limits.MaxConsecutiveEmptyPages < 1 || limits.MaxSeenPageLinks < 1)
            {
                failures.Add("FbTokens:Limits:MaxPages, MaxConsecutiveEmptyPages and MaxSeenPageLinks must be at least 1.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex AppIdPattern();

    [GeneratedRegex(@"^v\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
