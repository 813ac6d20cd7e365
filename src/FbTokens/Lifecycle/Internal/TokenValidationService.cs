using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Runs the validation sweep every <see cref="TokenManagerOptions.SweepInterval"/>, waiting on the injected
/// <see cref="TimeProvider"/> so tests drive it with a fake clock. A failed sweep is logged; the next runs as scheduled.
/// </summary>
internal sealed class TokenValidationService : BackgroundService
{
    private readonly TokenSweeper _sweeper;
    private readonly TokenManagerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TokenValidationService(TokenSweeper sweeper, IOptions<TokenManagerOptions> options, TimeProvider timeProvider, ILogger<TokenValidationService> logger)
    {
        _sweeper = sweeper;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private DateTimeOffset _firstRun;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Fixed when the host starts, not when ExecuteAsync gets a thread (on .NET 10 it runs on the thread pool).
        _firstRun = _timeProvider.GetUtcNow() + _options.SweepStartDelay;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A fixed schedule (start + delay + n × interval) that does not drift by the length of each sweep.
            var next = _firstRun;
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = next - _timeProvider.GetUtcNow();
                // Stryker disable once Equality : a zero delay completes at once, as skipping it does
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _timeProvider, stoppingToken).ConfigureAwait(false);
                }

                try
                {
                    await _sweeper.SweepAsync(next, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LifecycleLog.SweepFailed(_logger, ex);
                }

                // A sweep longer than an interval skips the runs it overlapped rather than queueing them.
                next += _options.SweepInterval;
                var now = _timeProvider.GetUtcNow();
                while (next < now)
                {
                    next += _options.SweepInterval;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
