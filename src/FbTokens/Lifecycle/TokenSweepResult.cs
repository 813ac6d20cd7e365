namespace FbTokens;

/// <summary>What one validation sweep did.</summary>
/// <param name="Checked">Tokens Graph reported on.</param>
/// <param name="Invalid">Tokens Graph reported invalid (marked and reported to the lifecycle observers).</param>
/// <param name="Refreshed">Tokens replaced because they were inside their refresh window.</param>
/// <param name="Failed">Tokens that could not be checked this time (the next sweep tries again).</param>
/// <param name="Requests">Batch requests sent to Graph (one per <see cref="TokenManagerOptions.SweepBatchSize"/> tokens, plus retries).</param>
public sealed record TokenSweepResult(int Checked, int Invalid, int Refreshed, int Failed, int Requests);
