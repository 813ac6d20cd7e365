namespace FbTokens;

/// <summary>The tokens waiting for the validation sweep (<see cref="ITokenSweepSchedule.GetBacklogAsync"/>).</summary>
/// <param name="DueCount">How many tokens are due.</param>
/// <param name="OldestDueAt">The earliest next-check time among them; null when none is due. The sweep's lag is the time since.</param>
public sealed record TokenSweepBacklog(long DueCount, DateTimeOffset? OldestDueAt);
