using CsCheck;

namespace FbTokens.Tests.Fuzz;

/// <summary>Fuzz tests measure allocations and capture process-wide telemetry: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzTestGroup
{
    public const string Name = "Fuzz";
}

/// <summary>
/// Property: whatever one HTTP answer Graph (or anything in its place) gives, every operation returns a well-formed
/// record or throws a documented exception, in bounded time and memory, leaks no secret, sends nothing to another
/// host, and leaves the client working for the next well-formed answer. CsCheck picks a seed per run and prints it
/// with the shrunk counterexample on failure; set CsCheck_Seed to that value to replay it (CsCheck_Iter for more
/// iterations). Add every counterexample to Fuzz/Corpus.
/// </summary>
[Collection(FuzzTestGroup.Name)]
public sealed class ClientFuzzTests
{
    /// <summary>
    /// Per operation: 100 keeps the Fuzz folder well under 30 s on two cores. CsCheck_Iter asks for more (a longer hunt
    /// on a developer's machine); CsCheck's own reading of it is overridden by the explicit iteration count below.
    /// </summary>
    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 100;

    public static TheoryData<string> Operations => new(FuzzOperations.All.Select(o => o.Name));

    [Theory]
    [MemberData(nameof(Operations))]
    public Task Any_answer_gives_a_record_or_a_documented_error_bounded_leak_free_and_harmless_to_later_calls(string operation)
    {
        var op = FuzzOperations.Get(operation);
        return GraphResponseGen.For(op).SampleAsync(FuzzRunner.AssertHoldsAsync, iter: Iterations, threads: 1, print: input => input.Summary());
    }
}
