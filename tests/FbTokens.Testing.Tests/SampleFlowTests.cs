using FbTokens.Sample;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

public sealed class SampleFlowTests
{
    [Fact]
    public async Task The_sample_runs_every_flow_against_the_emulator_and_never_prints_a_token()
    {
        await using var harness = await ClientHarness.StartAsync(configureClient: o => o.PageSize = 10);
        var scenario = SampleScenario.ForEmulator(harness.Emulator, pageCount: 30);
        using var output = new StringWriter();

        var exitCode = await SampleFlow.RunAsync(harness.Client, scenario, output);

        var text = output.ToString();
        Assert.Equal(0, exitCode);
        Assert.Equal(4, harness.Emulator.GetCallCount(GraphEndpoint.Accounts)); // 3 pages of 10, then the invalidated call
        Assert.Contains("30 page(s)", text, StringComparison.Ordinal);
        Assert.Contains("same machine_id: yes", text, StringComparison.Ordinal);
        Assert.Contains("Reason PasswordChanged", text, StringComparison.Ordinal);
        Assert.Contains("PAGE, valid True, expires never", text, StringComparison.Ordinal);
        Assert.Contains("Done.", text, StringComparison.Ordinal);

        // No token, code or secret the emulator knows appears in the output.
        Assert.DoesNotContain(harness.Emulator.DefaultApp.AppSecret, text, StringComparison.Ordinal);
        Assert.DoesNotMatch("EAAG[A-Za-z0-9]{20}", text);
        Assert.DoesNotMatch("AQ[A-Za-z0-9]{20}", text);
    }
}
