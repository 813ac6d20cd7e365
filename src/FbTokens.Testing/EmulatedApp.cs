using System.Text;

namespace FbTokens.Testing;

/// <summary>An app known to the emulator.</summary>
/// <param name="AppId">The numeric app id.</param>
/// <param name="AppSecret">The app secret. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="ClientToken">The app's client token (for <c>{app-id}|{client-token}</c>). Never printed.</param>
/// <param name="Name">The app name that <c>debug_token</c> reports as <c>application</c>.</param>
/// <param name="RequireAppSecretProof">Whether calls with a user or page token must carry a valid <c>appsecret_proof</c> ("Require App Secret").</param>
/// <param name="CallBudgetPerHour">The number of calls per rolling hour that counts as 100 % in <c>X-App-Usage</c>; past it calls fail with code 4.</param>
public sealed record EmulatedApp(string AppId, string AppSecret, string ClientToken, string Name, bool RequireAppSecretProof, int CallBudgetPerHour)
{
    /// <summary>The app token <c>{app-id}|{app-secret}</c>, accepted as <c>access_token</c> by <c>debug_token</c>. Never printed.</summary>
    public string AppAccessToken => string.Concat(AppId, "|", AppSecret);

    /// <summary>
    /// The app's "Valid OAuth Redirect URIs": the Login dialog accepts a <c>redirect_uri</c> only when it equals one of
    /// them (compared as absolute URIs, query included, as Facebook's strict mode does). Empty (the default): any
    /// absolute <c>http</c> or <c>https</c> URI is accepted.
    /// </summary>
    public IReadOnlyList<Uri> ValidOAuthRedirectUris { get; set; } = [];

    /// <summary>The "Deauthorize callback URL": <see cref="GraphTokenEmulator.RemoveAppAsync"/> POSTs a <c>signed_request</c> to it; null for none.</summary>
    public Uri? DeauthorizeCallbackUri { get; set; }

    /// <summary>The "Data deletion request URL": <see cref="GraphTokenEmulator.RequestDataDeletionAsync"/> POSTs a <c>signed_request</c> to it; null for none.</summary>
    public Uri? DataDeletionCallbackUri { get; set; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AppId = ").Append(AppId)
            .Append(", AppSecret = ***, ClientToken = ***, Name = ").Append(Name)
            .Append(", RequireAppSecretProof = ").Append(RequireAppSecretProof)
            .Append(", CallBudgetPerHour = ").Append(CallBudgetPerHour);
        return true;
    }
}
