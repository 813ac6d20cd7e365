namespace FbTokens;

/// <summary>The ad account's usage (<c>X-Ad-Account-Usage</c>).</summary>
/// <param name="UtilizationPercent">Percentage of the account's budget used (<c>acc_id_util_pct</c>).</param>
/// <param name="ResetTimeDuration">
/// How long until the budget resets (<c>reset_time_duration</c>, seconds); zero when not sent or not a duration of at
/// most a day.
/// </param>
/// <param name="AccessTier">The <c>ads_api_access_tier</c>, if sent.</param>
public sealed record AdAccountUsage(double UtilizationPercent, TimeSpan ResetTimeDuration, string? AccessTier);
