using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Checks <see cref="FbTokensOptions"/> at start-up and lists every problem at once. Each message starts with the key
/// that was read: under the section the options were bound from, else <c>FbTokens:</c> (<c>FbTokens:Apps:{name}:</c> for a named app).
/// </summary>
/// <param name="paths">The sections the options were bound from, if any.</param>
internal sealed partial class FbTokensOptionsValidator(IEnumerable<OptionsConfigurationPath<FbTokensOptions>>? paths = null)
    : IValidateOptions<FbTokensOptions>
{
    private static readonly TimeSpan MinimumBreakerDuration = TimeSpan.FromMilliseconds(500);

    // Polly's own bound on retry delays and breaker durations: past it, the pipeline would fail on the first call.
    private static readonly TimeSpan LongestPollyDuration = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, FbTokensOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var prefix = OptionsConfigurationPath<FbTokensOptions>.PrefixOf(paths, name, child: null);

        if (string.IsNullOrWhiteSpace(options.AppId))
        {
            failures.Add(prefix + "AppId is required: set it to the numeric app id from the app dashboard.");
        }
        else if (!AppIdPattern().IsMatch(options.AppId))
        {
            failures.Add(prefix + "AppId must be the numeric app id (digits only).");
        }

        // Never echo either value: only say which key is wrong and why.
        if (options.AppSecret is not null && !IsPrintableAscii(options.AppSecret))
        {
            failures.Add(prefix + "AppSecret is set but empty, or has white space, control or non-ASCII characters (the value is not shown).");
        }

        if (options.ClientToken is not null && !IsPrintableAscii(options.ClientToken))
        {
            failures.Add(prefix + "ClientToken is set but empty, or has white space, control or non-ASCII characters (the value is not shown).");
        }

        if (options.GraphApiVersion is null || !VersionPattern().IsMatch(options.GraphApiVersion))
        {
            // The value is not echoed: it may hold a line break or other characters that would forge a log line.
            failures.Add(prefix + "GraphApiVersion must look like 'v24.0': a 'v', one to three ASCII digits, '.', one or two ASCII digits, and nothing else.");
        }

        if (options.GraphBaseAddress is null || !options.GraphBaseAddress.IsAbsoluteUri)
        {
            failures.Add(prefix + "GraphBaseAddress must be an absolute URI such as https://graph.facebook.com/.");
        }
        else if (options.GraphBaseAddress.Scheme != Uri.UriSchemeHttps && options.GraphBaseAddress.Scheme != Uri.UriSchemeHttp)
        {
            failures.Add(prefix + "GraphBaseAddress must be an http or https URI.");
        }
        else if (HasQueryFragmentOrUserInfo(options.GraphBaseAddress))
        {
            // Every request is built on this address: a query would travel with each of them, user-info would be
            // sent as credentials. The address itself is not echoed, as either may hold one.
            failures.Add(prefix + "GraphBaseAddress must not have a query ('?'), a fragment ('#') or user-info ('user@'): give scheme, host, port and path only.");
        }

        if (options.PageSize is < 1 or > 100)
        {
            failures.Add(prefix + "PageSize must be between 1 and 100.");
        }

        var resilience = options.Resilience;
        if (resilience is null)
        {
            failures.Add(prefix + "Resilience must not be null.");
        }
        else
        {
            // One message per key, each starting with the key that holds the bad value.
            var r = prefix + "Resilience:";
            Check(failures, resilience.MaxRetryAttempts is >= 0 and <= 10, r + "MaxRetryAttempts must be between 0 and 10.");
            Check(failures, resilience.BaseDelay >= TimeSpan.Zero, r + "BaseDelay must be zero or positive.");
            Check(failures, resilience.MaxDelay >= resilience.BaseDelay, r + "MaxDelay must not be below " + r + "BaseDelay.");
            Check(failures, resilience.MaxDelay <= LongestPollyDuration, r + "MaxDelay must be at most one day.");
            Check(failures, resilience.AttemptTimeout > TimeSpan.Zero, r + "AttemptTimeout must be positive.");
            Check(failures, resilience.TotalTimeout >= resilience.AttemptTimeout, r + "TotalTimeout must not be below " + r + "AttemptTimeout.");
            Check(failures, resilience.MaxRateLimitDelay >= TimeSpan.Zero, r + "MaxRateLimitDelay must be zero or positive.");
            Check(failures, resilience.CircuitBreakerFailureRatio is > 0 and <= 1, r + "CircuitBreakerFailureRatio must be in (0, 1].");
            Check(failures, resilience.CircuitBreakerMinimumThroughput >= 2, r + "CircuitBreakerMinimumThroughput must be at least 2.");
            Check(failures, resilience.CircuitBreakerSamplingDuration >= MinimumBreakerDuration && resilience.CircuitBreakerSamplingDuration <= LongestPollyDuration, r + "CircuitBreakerSamplingDuration must be between 500 ms and one day.");
            Check(failures, resilience.CircuitBreakerBreakDuration >= MinimumBreakerDuration && resilience.CircuitBreakerBreakDuration <= LongestPollyDuration, r + "CircuitBreakerBreakDuration must be between 500 ms and one day.");
            Check(failures, Enum.IsDefined(resilience.UsageThrottleMode), r + "UsageThrottleMode is not a known value.");
            Check(failures, resilience.UsageThrottleThreshold is > 0 and <= 100, r + "UsageThrottleThreshold must be in (0, 100].");
            Check(failures, resilience.UsageThrottleDelay >= TimeSpan.Zero, r + "UsageThrottleDelay must be zero or positive.");
            Check(failures, resilience.MaxUsageThrottleDelay >= TimeSpan.Zero, r + "MaxUsageThrottleDelay must be zero or positive.");
        }

        var limits = options.Limits;
        if (limits is null)
        {
            failures.Add(prefix + "Limits must not be null.");
        }
        else
        {
            var l = prefix + "Limits:";
            Check(failures, limits.MaxResponseBodyBytes >= 1024, l + "MaxResponseBodyBytes must be at least 1024.");
            Check(failures, limits.MaxErrorBodyBytes >= 1024, l + "MaxErrorBodyBytes must be at least 1024.");
            Check(failures, limits.MaxPages >= 1, l + "MaxPages must be at least 1.");
            Check(failures, limits.MaxConsecutiveEmptyPages >= 1, l + "MaxConsecutiveEmptyPages must be at least 1.");
            Check(failures, limits.MaxSeenPageLinks >= 1, l + "MaxSeenPageLinks must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, bool valid, string failure)
    {
        if (!valid)
        {
            failures.Add(failure);
        }
    }

    private static bool HasQueryFragmentOrUserInfo(Uri address)
    {
        if (!string.IsNullOrEmpty(address.UserInfo)
            || address.OriginalString.Contains('?', StringComparison.Ordinal)
            || address.OriginalString.Contains('#', StringComparison.Ordinal))
        {
            return true;
        }

        // Stryker disable once Equality,Logical : a parsed query or fragment needs a '?' or '#' in the original string, caught above
        return address.Query.Length > 0 || address.Fragment.Length > 0;
    }

    /// <summary>Non-empty and only the printable ASCII characters '!' to '~': no white space, control or non-ASCII character.</summary>
    private static bool IsPrintableAscii(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"^[0-9]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AppIdPattern();

    // [0-9], not \d (which matches every Unicode digit), and \z, not $ (which also matches before a final '\n').
    [GeneratedRegex(@"^v[0-9]{1,3}\.[0-9]{1,2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
