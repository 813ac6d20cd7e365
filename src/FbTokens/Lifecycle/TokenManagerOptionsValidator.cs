using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>Checks <see cref="TokenManagerOptions"/> at start-up and lists every problem at once.</summary>
internal sealed class TokenManagerOptionsValidator : IValidateOptions<TokenManagerOptions>
{
    private const string Prefix = "FbTokens:TokenManager:";

    public ValidateOptionsResult Validate(string? name, TokenManagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.RefreshBeforeExpiry <= TimeSpan.Zero || options.RefreshBeforeExpiry >= TimeSpan.FromDays(59))
        {
            failures.Add(Prefix + "RefreshBeforeExpiry must be positive and under 59 days (long-lived tokens last about 60).");
        }

        if (options.RefreshJitter < TimeSpan.Zero || options.RefreshJitter > options.RefreshBeforeExpiry)
        {
            failures.Add(Prefix + "RefreshJitter must be zero or positive and not above RefreshBeforeExpiry.");
        }

        if (options.RefreshRetryDelay < TimeSpan.Zero)
        {
            failures.Add(Prefix + "RefreshRetryDelay must be zero or positive.");
        }

        if (options.LongLivedThreshold <= TimeSpan.Zero)
        {
            failures.Add(Prefix + "LongLivedThreshold must be positive.");
        }

        if (options.ExpiringNoticeBefore < TimeSpan.Zero)
        {
            failures.Add(Prefix + "ExpiringNoticeBefore must be zero or positive.");
        }

        if (options.DataAccessNoticeBefore < TimeSpan.Zero)
        {
            failures.Add(Prefix + "DataAccessNoticeBefore must be zero or positive.");
        }

        if (options.SweepInterval < TimeSpan.FromMinutes(1))
        {
            failures.Add(Prefix + "SweepInterval must be at least 1 minute.");
        }

        if (options.SweepStartDelay < TimeSpan.Zero)
        {
            failures.Add(Prefix + "SweepStartDelay must be zero or positive.");
        }

        if (options.SweepBatchSize is < 1 or > TokenManagerOptions.MaxSweepBatchSize)
        {
            failures.Add(Prefix + "SweepBatchSize must be between 1 and 50 (Graph's batch limit).");
        }

        if (options.SweepRetryAttempts is < 0 or > 10)
        {
            failures.Add(Prefix + "SweepRetryAttempts must be between 0 and 10.");
        }

        if (!Enum.IsDefined(options.AppTokenSource))
        {
            failures.Add(Prefix + "AppTokenSource is not a known value.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
