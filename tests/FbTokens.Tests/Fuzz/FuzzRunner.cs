using System.Globalization;
using System.Text;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// Runs one operation against one odd answer on a fresh client, then one well-formed answer on the same client, and
/// lists every broken promise: an undocumented exception, a call that outlives <see cref="TimeBound"/> (real time) or
/// allocates more than <see cref="MemoryBound"/>, a secret in an exception, log, span or metric, a request to another
/// host or with a foreign credential, a paging loop, an endless body read too far, a response never disposed, a
/// malformed record, and an odd answer that breaks the next well-formed call.
/// </summary>
internal static class FuzzRunner
{
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(5);

    /// <summary>Bytes allocated by one call; generated bodies are at most ~2.5 MB.</summary>
    public const long MemoryBound = 48L * 1024 * 1024;

    /// <summary>How much of an endless body a call may read (the largest configurable body limit is 4 MiB by default).</summary>
    public const long EndlessReadBound = 16L * 1024 * 1024;

    /// <summary>How far the clock moves between the odd call and the well-formed one: past any sane header-derived wait.</summary>
    public static readonly TimeSpan RecoveryAdvance = TimeSpan.FromDays(2);

    /// <summary>Where a failing generated input is written as a corpus file, ready to be copied into Fuzz/Corpus.</summary>
    public static readonly string CounterexampleFolder = Path.Combine(AppContext.BaseDirectory, "fuzz-counterexamples");

    /// <summary>
    /// Fails with the report when a property breaks. A failing generated input is also saved as
    /// <c>fuzz-counterexamples/{operation}.json</c> in the test output folder; CsCheck only retries smaller inputs
    /// after a failure, so the file left there is the shrunk counterexample.
    /// </summary>
    public static async Task AssertHoldsAsync(FuzzInput input)
    {
        var failure = await RunAsync(input);
        if (failure is not null)
        {
            Directory.CreateDirectory(CounterexampleFolder);
            var file = Path.Combine(CounterexampleFolder, input.Operation + ".json");
            await File.WriteAllTextAsync(file, input.ToCorpusJson("Found by ClientFuzzTests: " + failure.Split('\n')[1].TrimStart(' ', '-')));
            Assert.Fail(failure + "\n  saved as " + file);
        }
    }

    /// <summary>Null when every property holds; otherwise a readable report naming the operation, the input and what broke.</summary>
    public static async Task<string?> RunAsync(FuzzInput input)
    {
        var operation = FuzzOperations.Get(input.Operation);
        using var caller = new CancellationTokenSource();
        var handler = new FuzzGraphHandler { OwnCredentials = FuzzHost.OwnCredentials, Odd = input, Caller = caller, Normal = operation.Normal };
        using var host = new FuzzHost(handler);
        _ = host.Client;
        _ = host.Batch;
        var violations = new List<string>();

        var before = GC.GetTotalAllocatedBytes();
        object? result = null;
        Exception? error = null;
        var timedOut = false;
        var call = operation.Invoke(host, caller.Token);
        try
        {
            result = await call.WaitAsync(TimeBound);
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            timedOut = true;
            violations.Add($"the call did not complete within {TimeBound.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            await caller.CancelAsync();
            try
            {
                await call.WaitAsync(TimeBound);
            }
            catch (Exception)
            {
                // Already reported as a hang.
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        var allocated = GC.GetTotalAllocatedBytes() - before;
        if (allocated > MemoryBound)
        {
            violations.Add($"the call allocated {Mib(allocated)} (bound {Mib(MemoryBound)})");
        }

        if (handler.EndlessBytesRead > EndlessReadBound)
        {
            violations.Add($"the client read {Mib(handler.EndlessBytesRead)} of an endless body (bound {Mib(EndlessReadBound)})");
        }

        if (error is not null && !IsDocumented(error, caller.Token))
        {
            violations.Add("threw an undocumented " + error.GetType().FullName);
        }

        if (result is not null)
        {
            operation.Check(result, input, host, violations);
        }

        if (!timedOut && handler.Undisposed > 0)
        {
            violations.Add(handler.Undisposed.ToString(CultureInfo.InvariantCulture) + " response(s) the client received were never disposed");
        }

        CheckSecrets(operation, error, result, host, violations);
        violations.AddRange(handler.Violations.Distinct());

        if (!timedOut)
        {
            await CheckRecoveryAsync(operation, host, handler, violations);
        }

        return violations.Count == 0 ? null : Report(input, violations, result, error);
    }

    /// <summary>The exceptions IGraphTokenClient documents; cancellation only when the caller (here: a bound) cancelled.</summary>
    private static bool IsDocumented(Exception error, CancellationToken caller) =>
        error is GraphApiException or GraphProtocolException or TimeoutRejectedException or BrokenCircuitException or HttpRequestException
        || (error is OperationCanceledException && caller.IsCancellationRequested);

    private static void CheckSecrets(FuzzOperation operation, Exception? error, object? result, FuzzHost host, List<string> violations)
    {
        var places = new List<(string Where, string Text)>();
        if (error is not null)
        {
            places.Add(("the exception (" + error.GetType().Name + ")", error.ToString()));
            if (error is GraphApiException api)
            {
                places.Add(("GraphApiException.Error", api.Error.ToString()));
            }
        }

        if (result is DebugTokenResponse { Error.Message: { } message })
        {
            places.Add(("DebugTokenResponse.Error.Message", message));
        }

        foreach (var text in host.Telemetry.AllText())
        {
            places.Add(("a log entry, span or metric", text));
        }

        foreach (var secret in operation.Secrets)
        {
            foreach (var form in FuzzHost.Forms(secret))
            {
                foreach (var (where, text) in places)
                {
                    if (text.Contains(form, StringComparison.Ordinal))
                    {
                        var kind = form == secret ? "raw" : "encoded";
                        violations.Add($"{where} holds the {Name(secret)} ({kind}: …{FuzzInput.Shorten(Around(text, form), 120)}…)");
                        return;
                    }
                }
            }
        }
    }

    private static string Around(string text, string form)
    {
        var at = text.IndexOf(form, StringComparison.Ordinal);
        var start = Math.Max(0, at - 40);
        return text.Substring(start, Math.Min(text.Length - start, form.Length + 80));
    }

    private static string Name(string secret) => secret switch
    {
        FuzzHost.AppSecret => "app secret",
        FuzzHost.AppToken => "app token (app id|secret)",
        FuzzHost.Code or FuzzHost.ClientCode => "code sent",
        _ when secret == FuzzHost.LongTokenProof => "appsecret_proof",
        _ => "token sent",
    };

    /// <summary>After the odd answer and two days on the clock, a well-formed answer on the same client must succeed.</summary>
    private static async Task CheckRecoveryAsync(FuzzOperation operation, FuzzHost host, FuzzGraphHandler handler, List<string> violations)
    {
        handler.Odd = null;
        host.Time.Advance(RecoveryAdvance);
        var call = operation.Invoke(host, CancellationToken.None);
        try
        {
            var normal = await call.WaitAsync(TimeBound);
            if (!operation.IsNormal(normal))
            {
                violations.Add("poisoned: a later well-formed response on the same client gave a wrong result");
            }
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            violations.Add("poisoned: a later well-formed call on the same client hung");
        }
        catch (Exception ex)
        {
            violations.Add($"poisoned: a later well-formed response on the same client failed with {ex.GetType().FullName}: {FuzzInput.Shorten(ex.Message, 200)}");
        }
    }

    private static string Report(FuzzInput input, List<string> violations, object? result, Exception? error)
    {
        var text = new StringBuilder();
        text.Append('[').Append(input.Operation).Append("] ");
        text.Append(error is null ? "returned " + Describe(result) : "threw " + error.GetType().FullName + ": " + FuzzInput.Shorten(error.Message, 300));
        foreach (var violation in violations)
        {
            text.Append("\n  - ").Append(violation);
        }

        text.Append("\n  input: ").Append(input.Summary());
        if (error is not null)
        {
            var frame = error.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
            text.Append("\n  thrown ").Append(frame);
        }

        return text.ToString();
    }

    private static string Describe(object? result) => result switch
    {
        null => "nothing",
        List<PageTokenResponse> pages => pages.Count.ToString(CultureInfo.InvariantCulture) + " page(s)",
        FbTokens.Internal.BatchDebugResult[] results => results.Length.ToString(CultureInfo.InvariantCulture) + " batch result(s)",
        _ => FuzzInput.Shorten(result.ToString() ?? string.Empty, 200),
    };

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
