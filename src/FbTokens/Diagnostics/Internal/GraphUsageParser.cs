using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FbTokens.Internal;

/// <summary>
/// Reads Graph's usage headers. Total by construction: every value comes from the network, so every number is
/// range-checked before it becomes a percentage or a <see cref="TimeSpan"/>, and anything of another shape is dropped
/// (a field read as absent, or the whole header ignored). It never throws: usage headers are advisory and must not
/// fail an otherwise good call.
/// </summary>
internal static class GraphUsageParser
{
    public const string AppUsageHeader = "X-App-Usage";
    public const string PageUsageHeader = "X-Page-Usage";
    public const string BusinessUseCaseUsageHeader = "X-Business-Use-Case-Usage";
    public const string AdAccountUsageHeader = "X-Ad-Account-Usage";

    /// <summary>The header in which Graph names the API version that answered.</summary>
    public const string ApiVersionHeader = "facebook-api-version";

    /// <summary>The longest wait a usage header may state; anything longer is not a wait Graph sends, and is dropped.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    /// <summary>The highest percentage believed. Page usage passes 100; a hundred times the budget is not a report.</summary>
    public const double HighestPercent = 10_000;

    // Graph's headers are a few hundred bytes; a longer value is not one of them and is not parsed at all.
    private const int MaxHeaderLength = 16 * 1024;

    // The deepest documented shape is {"id":[{...}]}: depth 3.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 4 };

    public static GraphUsage? Parse(HttpResponseHeaders headers) => Parse(UsageHeaderValues.Read(headers));

    public static GraphUsage? Parse(in UsageHeaderValues raw)
    {
        // Stryker disable once Block,Statement : a fast path; without any usage header the parse below gives null too
        if (raw.App is null && raw.Page is null && raw.BusinessUseCases is null && raw.AdAccount is null)
        {
            return null;
        }

        var app = ParseApp(raw.App);
        var page = ParseApp(raw.Page);
        var buckets = ParseBusinessUseCases(raw.BusinessUseCases);
        var ad = ParseAdAccount(raw.AdAccount);
        return app is null && page is null && buckets.Count == 0 && ad is null ? null : new GraphUsage(app, buckets, ad, page);
    }

    /// <summary><c>X-App-Usage</c> or <c>X-Page-Usage</c>; null unless at least one field is a sensible percentage.</summary>
    internal static AppUsage? ParseApp(string? json)
    {
        using var document = TryParse(json);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        var callCount = Percent(root, "call_count");
        var totalTime = Percent(root, "total_time");
        var cpuTime = Percent(root, "total_cputime");
        return callCount is null && totalTime is null && cpuTime is null ? null : new AppUsage(callCount ?? 0, totalTime ?? 0, cpuTime ?? 0);
    }

    /// <summary><c>X-Business-Use-Case-Usage</c>: <c>{"business-id":[{bucket}, …], …}</c>; entries of another shape are skipped.</summary>
    internal static IReadOnlyList<BusinessUseCaseUsage> ParseBusinessUseCases(string? json)
    {
        using var document = TryParse(json);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return [];
        }

        var result = new List<BusinessUseCaseUsage>();
        foreach (var business in root.EnumerateObject())
        {
            if (business.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var bucket in business.Value.EnumerateArray())
            {
                if (bucket.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var regain = Number(bucket, "estimated_time_to_regain_access", LongestWait.TotalMinutes);
                result.Add(new BusinessUseCaseUsage(
                    business.Name,
                    Text(bucket, "type"),
                    Percent(bucket, "call_count") ?? 0,
                    Percent(bucket, "total_time") ?? 0,
                    Percent(bucket, "total_cputime") ?? 0,
                    regain is { } minutes ? TimeSpan.FromMinutes(minutes) : null));
            }
        }

        return result;
    }

    /// <summary><c>X-Ad-Account-Usage</c>; null unless at least one field is sensible.</summary>
    internal static AdAccountUsage? ParseAdAccount(string? json)
    {
        using var document = TryParse(json);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        var utilization = Percent(root, "acc_id_util_pct");
        var reset = Number(root, "reset_time_duration", LongestWait.TotalSeconds);
        var tier = Text(root, "ads_api_access_tier");
        return utilization is null && reset is null && tier is null
            ? null
            : new AdAccountUsage(utilization ?? 0, reset is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero, tier);
    }

    /// <summary>Whether <paramref name="value"/> is a Graph API version as Graph writes it: <c>v</c>, 1–3 ASCII digits, a dot, 1–3 ASCII digits.</summary>
    internal static bool IsApiVersion(string? value)
    {
        if (value is not { Length: >= 4 and <= 8 } || value[0] != 'v')
        {
            return false;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot is >= 2 and <= 4 && value.Length - dot - 1 is >= 1 and <= 3
            && AllDigits(value.AsSpan(1, dot - 1)) && AllDigits(value.AsSpan(dot + 1));
    }

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static double? Percent(JsonElement owner, string name) => Number(owner, name, HighestPercent);

    /// <summary>A finite number from 0 to <paramref name="highest"/> (a JSON number, or a string holding one); else null.</summary>
    private static double? Number(JsonElement owner, string name, double highest)
    {
        // Stryker disable once Block,Statement : an absent property leaves element undefined, which the switch maps to null too
        if (!owner.TryGetProperty(name, out var element))
        {
            return null;
        }

        double value;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number when element.TryGetDouble(out value):
                break;
            case JsonValueKind.String when double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value):
                break;
            default:
                return null;
        }

        return double.IsFinite(value) && value >= 0 && value <= highest ? value : null;
    }

    private static string? Text(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static JsonDocument? TryParse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json.Length > MaxHeaderLength)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        // Stryker disable once Block,Statement : the emptied catch returns default, which is the same null
        catch (JsonException)
        {
            // Not JSON, or nested deeper than any usage header: ignored, as advisory data.
            return null;
        }
    }
}

/// <summary>The raw values of the headers <see cref="GraphUsageParser"/> reads, found in one pass over a response's headers.</summary>
internal readonly record struct UsageHeaderValues(string? App, string? Page, string? BusinessUseCases, string? AdAccount, string? ApiVersion)
{
    public static UsageHeaderValues Read(HttpResponseHeaders headers)
    {
        // One pass over the raw (non-validated) headers: every response goes through here, most carry none of these.
        string? app = null, page = null, buc = null, ad = null, version = null;
        foreach (var (name, values) in headers.NonValidated)
        {
            // Stryker disable once Logical,Block,Statement : a fast path; a header with no value or a shorter name matches none below
            if (values.Count == 0 || name.Length < GraphUsageParser.AppUsageHeader.Length)
            {
                continue;
            }

            if (name.Equals(GraphUsageParser.AppUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                app = Last(values);
            }
            else if (name.Equals(GraphUsageParser.PageUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                page = Last(values);
            }
            else if (name.Equals(GraphUsageParser.BusinessUseCaseUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                buc = Last(values);
            }
            else if (name.Equals(GraphUsageParser.AdAccountUsageHeader, StringComparison.OrdinalIgnoreCase))
            {
                ad = Last(values);
            }
            else if (name.Equals(GraphUsageParser.ApiVersionHeader, StringComparison.OrdinalIgnoreCase))
            {
                version = Last(values);
            }
        }

        return new UsageHeaderValues(app, page, buc, ad, version);
    }

    // A repeated header is not what Graph sends; the last value stands (joining them would only make invalid JSON).
    private static string? Last(HeaderStringValues values)
    {
        // Stryker disable once Block,Statement : a fast path; the loop below gives the single value too
        if (values.Count == 1)
        {
            return values.ToString();
        }

        string? last = null;
        foreach (var value in values)
        {
            last = value;
        }

        return last;
    }
}
