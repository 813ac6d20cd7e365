using System.Reflection;
using FbTokens.Stores.Tests.Framework;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("FbTokens.Stores.Tests.Framework.StoreTestFramework", "FbTokens.Stores.Tests")]

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// xunit's own test framework with one addition, the assembly-level fixture xunit 2 lacks: when every test of the
/// assembly has run, and before the run is reported finished, the servers the tests started (<see cref="LocalServers"/>)
/// are stopped and their directories deleted.
/// </summary>
public sealed class StoreTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            try
            {
                await Task.Run(LocalServers.StopAll);
            }
            catch (Exception ex)
            {
                Aggregator.Add(ex);
            }

            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
