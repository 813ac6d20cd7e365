using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Registered with the token manager (and so with the validation sweep): the manager exchanges and refreshes user
/// tokens and the sweep calls <c>debug_token</c>, all of which need the app secret, so a host without one fails at
/// start-up rather than on the first refresh. The client alone still runs without it (client-code redemption), so only
/// the apps that registered the manager are checked: on a host with several apps, an app with only the client is not.
/// </summary>
/// <param name="features">What each app registered.</param>
/// <param name="paths">The sections <see cref="FbTokensOptions"/> were bound from, if any.</param>
internal sealed class TokenManagerAppSecretValidator(
    IEnumerable<FbTokensFeatureMarker> features,
    IEnumerable<OptionsConfigurationPath<FbTokensOptions>>? paths = null)
    : IValidateOptions<FbTokensOptions>
{
    public ValidateOptionsResult Validate(string? name, FbTokensOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A secret that is set but empty or malformed is reported by FbTokensOptionsValidator.
        if (options.AppSecret is not null || !HasTokenManager(name))
        {
            return ValidateOptionsResult.Success;
        }

        var prefix = OptionsConfigurationPath<FbTokensOptions>.PrefixOf(paths, name, child: null);
        return ValidateOptionsResult.Fail(
            prefix + "AppSecret is required by the token manager and the validation sweep (AddTokenManager, AddTokenValidationSweep, "
            + "or a token store): set it to the app secret from the app dashboard, e.g. in user secrets or an environment variable.");
    }

    private bool HasTokenManager(string? name)
    {
        var app = name is null || name == Options.DefaultName ? null : name;
        return features.Contains(new FbTokensFeatureMarker(FbTokensFeatureMarker.TokenManager, app));
    }
}
