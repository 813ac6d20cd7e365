using System.Globalization;

namespace FbTokens.Cli;

/// <summary>How tokens, dates and durations are shown.</summary>
internal static class TokenText
{
    /// <summary>The first four characters (the token family, e.g. <c>EAAB</c>) and the length; short values hide all.</summary>
    public static string Mask(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)"
        : value.Length < 12 ? string.Create(CultureInfo.InvariantCulture, $"***({value.Length} chars)")
        : string.Create(CultureInfo.InvariantCulture, $"{value.AsSpan(0, 4)}…({value.Length} chars)");

    /// <summary>A local date with its offset, e.g. <c>2026-11-02 10:30:00 +01:00</c>.</summary>
    public static string LocalDate(DateTimeOffset value, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(value, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>"in 59 days", "3 hours ago"; whole units, rounded down.</summary>
    public static string Relative(DateTimeOffset value, DateTimeOffset now)
    {
        var delta = value - now;
        var span = Span(delta.Duration());
        return delta >= TimeSpan.Zero ? "in " + span : span + " ago";
    }

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 ? Unit((int)span.TotalDays, "day")
        : span.TotalHours >= 1 ? Unit((int)span.TotalHours, "hour")
        : Unit((int)span.TotalMinutes, "minute");

    private static string Unit(int count, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? string.Empty : "s")}");
}
