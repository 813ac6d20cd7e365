using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>The sweep's pacing on Graph's reported usage, and the backlog it records when a round starts.</summary>
internal sealed partial class TokenSweeper
{
    /// <summary>The round's starting point, as metrics: how many tokens are due and how late the oldest is.</summary>
    private async Task RecordBacklogAsync(ITokenSweepSchedule schedule, DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        long due = 0;
        DateTimeOffset? oldest = null;
        foreach (var owner in _owned)
        {
            var backlog = await schedule.GetBacklogAsync(owner, roundStart, cancellationToken).ConfigureAwait(false);
            due += backlog.DueCount;
            if (backlog.OldestDueAt is { } at && (oldest is null || at < oldest))
            {
                oldest = at;
            }
        }

        var lag = oldest is { } since ? roundStart - since : TimeSpan.Zero;
        GraphTelemetry.SweepDue.Record(due);
        GraphTelemetry.SweepLag.Record(Math.Max(0, lag.TotalSeconds));
        RoundBacklog(_logger, due, oldest);
    }

    /// <summary>
    /// Pauses while the latest usage report is at or above <see cref="TokenManagerOptions.SweepUsageThreshold"/>: until
    /// Graph's estimate of regained access (else <see cref="PacingStep"/>) has passed since the report arrived. Then one
    /// batch goes out, and its answer brings a fresh report; so the sweep slows to Graph's pace and never stops for good.
    /// </summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var threshold = _options.SweepUsageThreshold;
        if (threshold >= 100 || _usage.Current is not { } usage || _usage.UpdatedAt is not { } reportedAt)
        {
            return;
        }

        var percent = SweepPercent(usage);
        if (percent < threshold)
        {
            return;
        }

        var pause = GraphUsageThrottle.EstimatedTimeToRegainAccess(usage) ?? PacingStep;
        var wait = reportedAt + pause - _timeProvider.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        // A clock that went back never makes the pause longer than the report asked for.
        wait = wait > pause ? pause : wait;
        GraphTelemetry.SweepPauses.Add(1);
        SweepPaused(_logger, percent, threshold, wait);
        await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The usage the sweep's requests spend: the app's budget and the business use cases'.</summary>
    private static double SweepPercent(GraphUsage usage)
    {
        var max = usage.App?.MaxPercent ?? 0;
        foreach (var bucket in usage.BusinessUseCases)
        {
            max = Math.Max(max, bucket.MaxPercent);
        }

        return max;
    }

    [LoggerMessage(2191, LogLevel.Information, "Token validation sweep round: {Due} tokens due, the oldest since {OldestDueAt}.")]
    private static partial void RoundBacklog(ILogger logger, long due, DateTimeOffset? oldestDueAt);

    [LoggerMessage(2192, LogLevel.Information, "Graph reports {Percent:0.#}% of the app's or a business use case's budget used (sweep threshold {Threshold:0.#}%): the sweep pauses for {Pause} before claiming more tokens.")]
    private static partial void SweepPaused(ILogger logger, double percent, double threshold, TimeSpan pause);
}
