namespace FbTokens;

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
