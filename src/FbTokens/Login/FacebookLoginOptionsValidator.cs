using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>Checks <see cref="FacebookLoginOptions"/> at start-up and lists every problem at once.</summary>
internal sealed class FacebookLoginOptionsValidator : IValidateOptions<FacebookLoginOptions>
{
    public ValidateOptionsResult Validate(string? name, FacebookLoginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var dialog = options.DialogBaseAddress;
        if (dialog is null || !dialog.IsAbsoluteUri)
        {
            failures.Add("FbTokens:Login:DialogBaseAddress must be an absolute URI such as https://www.facebook.com/.");
        }
        else if (dialog.Scheme != Uri.UriSchemeHttps && !(dialog.Scheme == Uri.UriSchemeHttp && dialog.IsLoopback))
        {
            failures.Add("FbTokens:Login:DialogBaseAddress must use https (http only on loopback).");
        }

        if (options.StateLifetime < TimeSpan.FromSeconds(1) || options.StateLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("FbTokens:Login:StateLifetime must be between 1 second and 1 day.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
