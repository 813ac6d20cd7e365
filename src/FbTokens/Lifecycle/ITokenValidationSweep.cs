namespace FbTokens;

/// <summary>
/// The validation sweep registered by <c>AddTokenValidationSweep()</c> (keyed by the app's name for a named app), for a
/// test or an admin endpoint that wants a sweep now rather than at the next <see cref="TokenManagerOptions.SweepInterval"/>.
/// </summary>
public interface ITokenValidationSweep
{
    /// <summary>
    /// Checks every stored token of this app with batched <c>debug_token</c> requests now, as the scheduled sweep does:
    /// invalid tokens are marked and reported, due ones refreshed, expiring ones reported. When a sweep is already running
    /// (the scheduled one or another call), this one waits for it to end and then runs, so its result describes the
    /// store as it is after the call began. Every token is checked, due or not; with a store that keeps the sweep's schedule
    /// (<see cref="ITokenSweepSchedule"/>) each token checked is next due one <see cref="TokenManagerOptions.SweepInterval"/>
    /// after this call began, for every instance. The scheduled sweep's own wake times are not moved.
    /// </summary>
    /// <param name="cancellationToken">Stops the sweep between batches.</param>
    /// <returns>What the sweep did.</returns>
    Task<TokenSweepResult> SweepNowAsync(CancellationToken cancellationToken = default);
}
