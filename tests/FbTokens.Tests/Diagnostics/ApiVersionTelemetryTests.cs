using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Diagnostics;

/// <summary>
/// Graph's <c>facebook-api-version</c> header. The warning is once per process and pair, so each test answers with a
/// version no other test uses.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class ApiVersionTelemetryTests : IDisposable
{
    private const string Metric = "fbtokens.api_version.upgraded";
    private readonly TelemetryCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private GraphTestHost Host(string answered)
    {
        var host = new GraphTestHost(builder: fb => fb.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(_capture)));
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(DebugValid);
            response.Headers.TryAddWithoutValidation("facebook-api-version", answered);
            return response;
        });
        return host;
    }

    private IEnumerable<CapturedMeasurement> Upgrades(string answered) =>
        _capture.Measurements.Where(m => m.Instrument == Metric && (string?)m.Tag("fbtokens.api_version.answered") == answered);

    [Fact]
    public async Task An_upgraded_version_warns_once_per_process_counts_every_answer_and_shows_on_the_monitor()
    {
        using (var host = Host("v97.1"))
        {
            for (var i = 0; i < 3; i++)
            {
                await host.Client.DebugTokenAsync(LongLivedToken);
            }

            Assert.Equal("v97.1", host.Services.GetRequiredService<IGraphUsageMonitor>().AnsweredGraphApiVersion);
        }

        // A second client in the same process: counted, not warned again.
        using (var host = Host("v97.1"))
        {
            await host.Client.DebugTokenAsync(LongLivedToken);
        }

        var warning = Assert.Single(_capture.Logs, l => l.EventId.Id == 1040);
        Assert.Equal("GraphApiVersionUpgraded", warning.EventId.Name);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("v24.0", warning.Message, StringComparison.Ordinal);
        Assert.Contains("v97.1", warning.Message, StringComparison.Ordinal);
        Assert.Contains("FbTokens:GraphApiVersion", warning.Message, StringComparison.Ordinal);

        var counted = Upgrades("v97.1").ToList();
        Assert.Equal(4, counted.Sum(m => m.Value));
        Assert.All(counted, m => Assert.Equal(GraphTestHost.Version, m.Tag("fbtokens.api_version.requested")));
    }

    [Fact]
    public async Task The_configured_version_answering_is_recorded_and_nothing_more()
    {
        using var host = Host(GraphTestHost.Version);

        await host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(GraphTestHost.Version, host.Services.GetRequiredService<IGraphUsageMonitor>().AnsweredGraphApiVersion);
        Assert.DoesNotContain(_capture.Measurements, m => m.Instrument == Metric && (string?)m.Tag("fbtokens.api_version.answered") == GraphTestHost.Version);
    }

    [Theory]
    [InlineData("96.2")]
    [InlineData("v96")]
    [InlineData("v9600.2")]
    [InlineData("v96.2.1")]
    [InlineData("v96.2;DROP")]
    [InlineData("v\uFF19\uFF16.2")]
    [InlineData("<script>v96.2</script>")]
    [InlineData("EAAGm0PX4ZCpsBALongLivedUserToken")]
    public async Task A_header_that_is_not_a_version_is_ignored(string answered)
    {
        using var host = Host(answered);

        await host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Null(host.Services.GetRequiredService<IGraphUsageMonitor>().AnsweredGraphApiVersion);
        Assert.Empty(Upgrades(answered));
        Assert.DoesNotContain(_capture.Logs, l => l.EventId.Id == 1040 && l.Message.Contains(answered, StringComparison.Ordinal));
        if (answered.Any(char.IsLetter))
        {
            // (A bare number could turn up inside a logged duration.)
            Assert.DoesNotContain(_capture.AllText(), t => t.Contains(answered, StringComparison.Ordinal));
        }
    }
}
