using System.Globalization;
using System.Text;

namespace FbTokens.Testing.Internal;

/// <summary>The values of Graph's usage headers, <c>X-App-Usage</c> and <c>X-Business-Use-Case-Usage</c>.</summary>
internal static class UsageHeaders
{
    public const string AppUsage = "X-App-Usage";
    public const string BusinessUseCaseUsage = "X-Business-Use-Case-Usage";

    public static string AppUsageJson(int percent) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"call_count\":{percent},\"total_time\":{percent},\"total_cputime\":{percent}}}");

    public static string BusinessUseCaseJson(string businessId, string type, int percent, int minutesToRegainAccess) =>
        Encoding.UTF8.GetString(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray(businessId);
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("call_count", percent);
            w.WriteNumber("total_cputime", percent);
            w.WriteNumber("total_time", percent);
            w.WriteNumber("estimated_time_to_regain_access", minutesToRegainAccess);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }));
}
