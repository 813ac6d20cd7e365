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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(_options.SweepStartDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await _sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LifecycleLog.SweepFailed(_logger, ex);
                }

                await Task.Delay(_options.SweepInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
