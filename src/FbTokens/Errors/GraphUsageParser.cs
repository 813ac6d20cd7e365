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
        var app = ParseApp(First(headers, AppUsageHeader));
        var buc = ParseBusinessUseCases(First(headers, BusinessUseCaseUsageHeader));
        var ad = ParseAdAccount(First(headers, AdAccountUsageHeader));
        return app is null && buc.Count == 0 && ad is null ? null : new GraphUsage(app, buc, ad);
    }

    // The non-validating view reads the raw value without parsing or allocating when the header is absent.
    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;

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
