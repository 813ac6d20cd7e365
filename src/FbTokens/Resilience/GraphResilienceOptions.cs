namespace FbTokens;

/// <summary>
/// Tunes the resilience pipeline FbTokens puts on its <see cref="System.Net.Http.HttpClient"/>: outermost first,
/// total timeout → retry → attempt timeout. Single-use operations (code exchange, client-code redemption) are
/// never retried once a request may have reached Graph, whatever these settings say.
/// </summary>
public sealed class GraphResilienceOptions
{
    /// <summary>How many times a safe operation is retried after a transient failure. Default 3; 0 turns retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest a single retry delay may be. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether to randomise retry delays so that many clients do not retry in step. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>The timeout of one HTTP attempt. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The timeout of a whole operation, retries and delays included. Default 60 s.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
