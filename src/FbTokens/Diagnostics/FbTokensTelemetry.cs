namespace FbTokens;

/// <summary>
/// The names FbTokens publishes telemetry under. Add both to OpenTelemetry in one line each:
/// <c>tracing.AddSource(FbTokensTelemetry.ActivitySourceName)</c> and <c>metrics.AddMeter(FbTokensTelemetry.MeterName)</c>.
/// </summary>
public static class FbTokensTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: one span per operation and one per HTTP attempt.</summary>
    public const string ActivitySourceName = "FbTokens";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name; instruments are named <c>fbtokens.*</c>.</summary>
    public const string MeterName = "FbTokens";
}
