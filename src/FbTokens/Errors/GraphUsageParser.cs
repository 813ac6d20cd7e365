using System.Net.Http.Headers;
using System.Text.Json;

namespace FbTokens.Internal;

/// <summary>Reads Graph's usage headers; a malformed header is ignored rather than failing the call.</summary>
internal static class GraphUsageParser
{
    public const string AppUsageHeader = "X-App-Usage";
    public const string BusinessUseCaseUsageHeader = "X-Business-Use-Case-Usage";
    public const string AdAccountUsageHeader = "X-Ad-Account-Usage";

    public static GraphUsage? Parse(HttpResponseHeaders headers)
    {
        // One pass over the raw (non-validated) headers: every response goes through here, most carry none of these.
        string? app = null, buc = null, ad = null;
        foreach (var (name, values) in headers.NonValidated)
        {
            if (!name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || values.Count == 0)
            {
                continue;
            }

            if (name.Equals(AppUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                app = values.ToString();
            }
            else if (name.Equals(BusinessUseCaseUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                buc = values.ToString();
            }
            else if (name.Equals(AdAccountUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                ad = values.ToString();
            }
        }

        if (app is null && buc is null && ad is null)
        {
            return null;
        }

        var appUsage = ParseApp(app);
        var bucUsage = ParseBusinessUseCases(buc);
        var adUsage = ParseAdAccount(ad);
        return appUsage is null && bucUsage.Count == 0 && adUsage is null ? null : new GraphUsage(appUsage, bucUsage, adUsage);
    }

    internal static AppUsage? ParseApp(string? json)
    {
        var payload = TryDeserialize(json, GraphJsonContext.Default.AppUsagePayload);
        return payload is null ? null : new AppUsage(payload.CallCount, payload.TotalTime, payload.TotalCpuTime);
    }

    internal static IReadOnlyList<BusinessUseCaseUsage> ParseBusinessUseCases(string? json)
    {
        var payload = TryDeserialize(json, GraphJsonContext.Default.DictionaryStringListBusinessUseCasePayload);
        if (payload is null)
        {
            return [];
        }

        var result = new List<BusinessUseCaseUsage>();
        foreach (var (businessId, buckets) in payload)
        {
            foreach (var b in buckets ?? [])
            {
                result.Add(new BusinessUseCaseUsage(
                    businessId, b.Type, b.CallCount, b.TotalTime, b.TotalCpuTime,
                    b.EstimatedTimeToRegainAccess is { } minutes ? TimeSpan.FromMinutes(minutes) : null));
            }
        }

        return result;
    }

    internal static AdAccountUsage? ParseAdAccount(string? json)
    {
        var payload = TryDeserialize(json, GraphJsonContext.Default.AdAccountUsagePayload);
        return payload is null ? null : new AdAccountUsage(payload.UtilizationPercent, TimeSpan.FromSeconds(payload.ResetTimeDuration), payload.AccessTier);
    }

    private static T? TryDeserialize<T>(string? json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException)
        {
            // Usage headers are advisory: a malformed one must not fail an otherwise good call.
            return null;
        }
    }
}
