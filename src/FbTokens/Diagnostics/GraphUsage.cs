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
