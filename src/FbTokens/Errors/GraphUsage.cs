namespace FbTokens;

/// <summary>Graph's usage headers: how much of each rate-limit budget has been used, in percent.</summary>
/// <param name="App">From <c>X-App-Usage</c>, when present.</param>
/// <param name="BusinessUseCases">From <c>X-Business-Use-Case-Usage</c> (empty when absent).</param>
/// <param name="AdAccount">From <c>X-Ad-Account-Usage</c>, when present.</param>
public sealed record GraphUsage(AppUsage? App, IReadOnlyList<BusinessUseCaseUsage> BusinessUseCases, AdAccountUsage? AdAccount)
{
    /// <summary>The highest percentage among all reported budgets (0 when none was reported).</summary>
    public double MaxPercent
    {
        get
        {
            double max = App?.MaxPercent ?? 0;
            foreach (var bucket in BusinessUseCases)
            {
                max = Math.Max(max, bucket.MaxPercent);
            }

            return Math.Max(max, AdAccount?.UtilizationPercent ?? 0);
        }
    }
}

/// <summary>The app's usage (<c>X-App-Usage</c>), each a percentage of its limit.</summary>
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
/// <param name="EstimatedTimeToRegainAccess">How long until calls are accepted again; null or zero when not throttled.</param>
public sealed record BusinessUseCaseUsage(string BusinessId, string? Type, double CallCount, double TotalTime, double TotalCpuTime, TimeSpan? EstimatedTimeToRegainAccess)
{
    /// <summary>The highest of the three percentages.</summary>
    public double MaxPercent => Math.Max(CallCount, Math.Max(TotalTime, TotalCpuTime));
}

/// <summary>The ad account's usage (<c>X-Ad-Account-Usage</c>).</summary>
/// <param name="UtilizationPercent">Percentage of the account's budget used (<c>acc_id_util_pct</c>).</param>
/// <param name="ResetTimeDuration">How long until the budget resets (<c>reset_time_duration</c>, seconds).</param>
/// <param name="AccessTier">The <c>ads_api_access_tier</c>, if sent.</param>
public sealed record AdAccountUsage(double UtilizationPercent, TimeSpan ResetTimeDuration, string? AccessTier);
