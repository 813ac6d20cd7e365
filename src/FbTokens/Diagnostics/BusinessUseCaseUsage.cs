namespace FbTokens;

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
