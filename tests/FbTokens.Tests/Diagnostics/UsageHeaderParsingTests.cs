using System.Net;
using FbTokens.Internal;

namespace FbTokens.Tests.Diagnostics;

/// <summary>
/// What <see cref="GraphUsage"/> reads from Graph's usage headers: a header that names any of its figures is a
/// report (the missing figures read 0), a header that names none is not, the limits are inclusive, and a header Graph
/// repeated counts by its last value.
/// </summary>
public sealed class UsageHeaderParsingTests
{
    private static GraphUsage? Parse(params (string Name, string[] Values)[] headers)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        foreach (var (name, values) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, values);
        }

        return GraphUsageParser.Parse(response.Headers);
    }

    private static GraphUsage? Parse(string name, string value) => Parse((name, [value]));

    public static TheoryData<string, AppUsage> PartialAppUsage => new()
    {
        { """{"call_count":50}""", new AppUsage(50, 0, 0) },
        { """{"total_time":40}""", new AppUsage(0, 40, 0) },
        { """{"total_cputime":30}""", new AppUsage(0, 0, 30) },
        { """{"call_count":5,"total_cputime":30}""", new AppUsage(5, 0, 30) },
    };

    [Theory]
    [MemberData(nameof(PartialAppUsage))]
    public void An_app_or_page_usage_header_with_some_figures_is_a_report(string value, AppUsage expected)
    {
        Assert.Equal(expected, Parse("X-App-Usage", value)?.App);
        Assert.Equal(expected, Parse("X-Page-Usage", value)?.Page);
    }

    [Theory]
    [InlineData("X-App-Usage")]
    [InlineData("X-Page-Usage")]
    [InlineData("X-Ad-Account-Usage")]
    public void A_usage_header_with_none_of_its_figures_is_no_report(string name) =>
        Assert.Null(Parse(name, """{"unrelated":12,"call_count":"many"}"""));

    public static TheoryData<string, AdAccountUsage> PartialAdAccountUsage => new()
    {
        { """{"acc_id_util_pct":9.67}""", new AdAccountUsage(9.67, TimeSpan.Zero, null) },
        { """{"reset_time_duration":30}""", new AdAccountUsage(0, TimeSpan.FromSeconds(30), null) },
        { """{"ads_api_access_tier":"standard_access"}""", new AdAccountUsage(0, TimeSpan.Zero, "standard_access") },
    };

    [Theory]
    [MemberData(nameof(PartialAdAccountUsage))]
    public void An_ad_account_header_with_some_figures_is_a_report(string value, AdAccountUsage expected) =>
        Assert.Equal(expected, Parse("X-Ad-Account-Usage", value)?.AdAccount);

    [Fact]
    public void A_page_usage_header_alone_is_a_report()
    {
        var usage = Parse("X-Page-Usage", """{"call_count":91,"total_cputime":10,"total_time":20}""");

        Assert.NotNull(usage);
        Assert.Null(usage.App);
        Assert.Equal(91, usage.MaxPercent);
    }

    [Fact]
    public void The_highest_believed_figures_are_kept()
    {
        var usage = Parse(
            ("X-App-Usage", ["""{"call_count":10000,"total_time":0,"total_cputime":0}"""]),
            ("X-Business-Use-Case-Usage", ["""{"1":[{"type":"pages","call_count":1,"estimated_time_to_regain_access":1440}]}"""]),
            ("X-Ad-Account-Usage", ["""{"reset_time_duration":86400}"""]));

        Assert.NotNull(usage);
        Assert.Equal(GraphUsageParser.HighestPercent, usage.App!.CallCount);
        Assert.Equal(GraphUsageParser.LongestWait, Assert.Single(usage.BusinessUseCases).EstimatedTimeToRegainAccess);
        Assert.Equal(GraphUsageParser.LongestWait, usage.AdAccount!.ResetTimeDuration);
    }

    [Fact]
    public void A_header_of_exactly_the_longest_length_is_parsed_and_a_longer_one_is_not()
    {
        const string json = """{"call_count":42}""";
        var longest = json + new string(' ', (16 * 1024) - json.Length);

        Assert.Equal(42, Parse("X-App-Usage", longest)?.App?.CallCount);
        Assert.Null(Parse("X-App-Usage", longest + " "));
    }

    [Fact]
    public void A_repeated_header_counts_by_its_last_value()
    {
        var usage = Parse(("X-App-Usage", ["""{"call_count":10}""", """{"call_count":20}""", """{"call_count":70}"""]));

        Assert.Equal(70, usage?.App?.CallCount);
    }

    [Theory]
    [InlineData(80, 10, 10, 80)]
    [InlineData(10, 80, 10, 80)]
    [InlineData(10, 10, 80, 80)]
    public void The_largest_figure_of_a_budget_is_its_MaxPercent(double calls, double time, double cpu, double max)
    {
        Assert.Equal(max, new AppUsage(calls, time, cpu).MaxPercent);
        Assert.Equal(max, new BusinessUseCaseUsage("1", "pages", calls, time, cpu, null).MaxPercent);
    }

    [Fact]
    public void MaxPercent_of_the_whole_report_is_the_fullest_budget()
    {
        var app = new AppUsage(10, 10, 10);
        var page = new AppUsage(20, 20, 20);
        BusinessUseCaseUsage[] buckets = [new("1", "pages", 30, 0, 0, null), new("2", "ads_management", 5, 0, 0, null)];
        var ad = new AdAccountUsage(40, TimeSpan.Zero, null);

        Assert.Equal(40, new GraphUsage(app, buckets, ad, page).MaxPercent);
        Assert.Equal(30, new GraphUsage(app, buckets, null, page).MaxPercent);
        Assert.Equal(20, new GraphUsage(app, [], null, page).MaxPercent);
        Assert.Equal(20, new GraphUsage(page, [], null, app).MaxPercent);
        Assert.Equal(0, new GraphUsage(null, [], null).MaxPercent);
    }

    [Fact]
    public void The_shortest_API_version_is_believed()
    {
        Assert.True(GraphUsageParser.IsApiVersion("v2.1"));
        Assert.False(GraphUsageParser.IsApiVersion("v2."));
    }
}
