namespace FbTokens;

/// <summary>
/// Graph's usage headers: how much of each rate-limit budget has been used, in percent. Values come from the network
/// and are checked: a number that is not finite, negative or absurdly large is dropped (read as absent), as is a
/// header that is not the JSON Graph documents; a dropped header never fails a call.
/// </summary>
/// <param name="App">From <c>X-App-Usage</c>, when present.</param>
/// <param name="BusinessUseCases">From <c>X-Business-Use-Case-Usage</c> (empty when absent).</param>
/// <param name="AdAccount">From <c>X-Ad-Account-Usage</c>, when present.</param>
/// <param name="Page">From <c>X-Page-Usage</c> (calls made with a Page token), when present. Percentages above 100 occur.</param>
public sealed record GraphUsage(AppUsage? App, IReadOnlyList<BusinessUseCaseUsage> BusinessUseCases, AdAccountUsage? AdAccount, AppUsage? Page = null)
{
    /// <summary>The highest percentage among all reported budgets (0 when none was reported).</summary>
    public double MaxPercent
    {
        get
        {
            var max = Math.Max(App?.MaxPercent ?? 0, Page?.MaxPercent ?? 0);
            foreach (var bucket in BusinessUseCases)
            {
                max = Math.Max(max, bucket.MaxPercent);
            }

            return Math.Max(max, AdAccount?.UtilizationPercent ?? 0);
        }
    }
}

/// <summary>
/// A platform usage report, each a percentage of its limit: the app's (<c>X-App-Usage</c>) or a Page's
/// (<c>X-Page-Usage</c>), which share this shape. A field Graph did not send, or sent as no sensible number, is 0.
/// </summary>
/// <param name="CallCount">Percentage of calls used.</param>
/// <param name="TotalTime">Percentage of total time used.</param>
/// <param name="TotalCpuTime">Percentage of CPU time used.</param>
public sealed record AppUsage(double CallCount, double TotalTime, double TotalCpuTime)
{
    /// <summary>The highest of the three percentages.</summary>
    public double MaxPercent => Math.Max(CallCount, Math.Max(TotalTime, TotalCpuTime));
}

/// <summary>One business-use-case budget (<c>X-Business-Use-Case-Usage</c>).</summary>
/// <param name="BusinessId">The business object (page, ad account…) the budget belongs to.</param>
/// <param name="Type">The use case, e.g. <c>pages</c>, <c>ads_management</c>.</param>
/// <param name="CallCount">Percentage of calls used.</param>
/// <param name="TotalTime">Percentage of total time used.</param>
/// <param name="TotalCpuTime">Percentage of CPU time used.</param>
/// <param name="EstimatedTimeToRegainAccess">
/// How long until calls are accepted again (Graph sends minutes); null or zero when not throttled, and null when
/// Graph's value was not a duration of at most a day.
/// </param>
public sealed record BusinessUseCaseUsage(string BusinessId, string? Type, double CallCount, double TotalTime, double TotalCpuTime, TimeSpan? EstimatedTimeToRegainAccess)
{
    /// <summary>The highest of the three percentages.</summary>
    public double MaxPercent => Math.Max(CallCount, Math.Max(TotalTime, TotalCpuTime));
}

/// <summary>The ad account's usage (<c>X-Ad-Account-Usage</c>).</summary>
/// <param name="UtilizationPercent">Percentage of the account's budget used (<c>acc_id_util_pct</c>).</param>
/// <param name="ResetTimeDuration">
/// How long until the budget resets (<c>reset_time_duration</c>, seconds); zero when not sent or not a duration of at
/// most a day.
/// </param>
/// <param name="AccessTier">The <c>ads_api_access_tier</c>, if sent.</param>
public sealed record AdAccountUsage(double UtilizationPercent, TimeSpan ResetTimeDuration, string? AccessTier);
