using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Checks <see cref="FacebookLoginOptions"/> at start-up and lists every problem at once. Each message starts with the
/// key that was read: under the section the options were bound from, else <c>FbTokens:Login:</c> (<c>FbTokens:Apps:{name}:Login:</c> for a named app).
/// </summary>
/// <param name="paths">The sections the options were bound from, if any.</param>
internal sealed class FacebookLoginOptionsValidator(IEnumerable<OptionsConfigurationPath<FacebookLoginOptions>>? paths = null)
    : IValidateOptions<FacebookLoginOptions>
{

    public ValidateOptionsResult Validate(string? name, FacebookLoginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var prefix = OptionsConfigurationPath<FacebookLoginOptions>.PrefixOf(paths, name, FbTokensServiceCollectionExtensions.LoginSectionName);
        var dialog = options.DialogBaseAddress;
        if (dialog is null || !dialog.IsAbsoluteUri)
        {
            failures.Add(prefix + "DialogBaseAddress must be an absolute URI such as https://www.facebook.com/.");
        }
        else if (dialog.Scheme != Uri.UriSchemeHttps && !(dialog.Scheme == Uri.UriSchemeHttp && dialog.IsLoopback))
        {
            failures.Add(prefix + "DialogBaseAddress must use https (http only on loopback).");
        }

        if (options.RedirectUri is { } redirect
            && (!redirect.IsAbsoluteUri || (redirect.Scheme != Uri.UriSchemeHttps && !(redirect.Scheme == Uri.UriSchemeHttp && redirect.IsLoopback)) || redirect.Fragment.Length > 0))
        {
            failures.Add(prefix + "RedirectUri must be an absolute https URI (http only on loopback) without a fragment.");
        }

        if (options.StateLifetime < TimeSpan.FromSeconds(1) || options.StateLifetime > TimeSpan.FromDays(1))
        {
            failures.Add(prefix + "StateLifetime must be between 1 second and 1 day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
