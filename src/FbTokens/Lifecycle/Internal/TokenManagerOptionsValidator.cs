using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Checks <see cref="TokenManagerOptions"/> at start-up and lists every problem at once. Each message starts with the
/// key that was read: under the section the options were bound from, else <c>FbTokens:TokenManager:</c> (<c>FbTokens:Apps:{name}:TokenManager:</c> for a named app).
/// </summary>
/// <param name="paths">The sections the options were bound from, if any.</param>
internal sealed class TokenManagerOptionsValidator(IEnumerable<OptionsConfigurationPath<TokenManagerOptions>>? paths = null)
    : IValidateOptions<TokenManagerOptions>
{

    public ValidateOptionsResult Validate(string? name, TokenManagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var prefix = OptionsConfigurationPath<TokenManagerOptions>.PrefixOf(paths, name, FbTokensServiceCollectionExtensions.TokenManagerSectionName);

        if (options.RefreshBeforeExpiry <= TimeSpan.Zero || options.RefreshBeforeExpiry >= TimeSpan.FromDays(59))
        {
            failures.Add(prefix + "RefreshBeforeExpiry must be positive and under 59 days (long-lived tokens last about 60).");
        }

        if (options.RefreshJitter < TimeSpan.Zero || options.RefreshJitter > options.RefreshBeforeExpiry)
        {
            failures.Add(prefix + "RefreshJitter must be zero or positive and not above " + prefix + "RefreshBeforeExpiry.");
        }

        if (options.RefreshRetryDelay < TimeSpan.Zero)
        {
            failures.Add(prefix + "RefreshRetryDelay must be zero or positive.");
        }

        if (options.LongLivedThreshold <= TimeSpan.Zero)
        {
            failures.Add(prefix + "LongLivedThreshold must be positive.");
        }

        if (options.ExpiringNoticeBefore < TimeSpan.Zero)
        {
            failures.Add(prefix + "ExpiringNoticeBefore must be zero or positive.");
        }

        if (options.DataAccessNoticeBefore < TimeSpan.Zero)
        {
            failures.Add(prefix + "DataAccessNoticeBefore must be zero or positive.");
        }

        if (options.SweepInterval < TimeSpan.FromMinutes(1))
        {
            failures.Add(prefix + "SweepInterval must be at least 1 minute.");
        }

        if (options.SweepStartDelay < TimeSpan.Zero)
        {
            failures.Add(prefix + "SweepStartDelay must be zero or positive.");
        }

        if (options.SweepBatchSize is < 1 or > TokenManagerOptions.MaxSweepBatchSize)
        {
            failures.Add(prefix + "SweepBatchSize must be between 1 and 50 (Graph's batch limit).");
        }

        if (options.SweepRetryAttempts is < 0 or > 10)
        {
            failures.Add(prefix + "SweepRetryAttempts must be between 0 and 10.");
        }

        // Not against the interval: the sweep uses at most half of it (TokenSweeper), so that an interval of 10 minutes or
        // less, valid before leases existed, still starts with the default lease.
        if (options.SweepLeaseDuration <= TimeSpan.Zero)
        {
            failures.Add(prefix + "SweepLeaseDuration must be positive.");
        }

        if (!(options.SweepUsageThreshold >= 1))
        {
            failures.Add(prefix + "SweepUsageThreshold must be a percentage of at least 1 (100 or more turns pacing off).");
        }

        if (options.RequiredPermissions is null)
        {
            failures.Add(prefix + "RequiredPermissions must not be null (leave it empty to require nothing).");
        }
        else
        {
            for (var i = 0; i < options.RequiredPermissions.Count; i++)
            {
                var permission = options.RequiredPermissions[i];
                if (string.IsNullOrWhiteSpace(permission) || permission.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ','))
                {
                    failures.Add(prefix + "RequiredPermissions:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        + " must be a permission name such as pages_show_list (no white space, comma or control character).");
                }
            }
        }

        if (!Enum.IsDefined(options.AppTokenSource))
        {
            failures.Add(prefix + "AppTokenSource is not a known value.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
