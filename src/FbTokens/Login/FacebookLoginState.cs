using System.Text;

namespace FbTokens;

/// <summary>
/// The CSRF state of one Login dialog: the random value sent as <c>state</c>, when it was created and the redirect
/// URI it was created for. Keep it where only this browser's next request can bring it back (a cookie protected
/// with ASP.NET Core Data Protection, or the session), and delete it once the callback is handled.
/// </summary>
/// <param name="Value">The random state value (256 bits, base64url). Never printed by <see cref="ToString"/>.</param>
/// <param name="CreatedAt">When it was created, on the builder's <see cref="TimeProvider"/>.</param>
/// <param name="RedirectUri">The redirect URI of the dialog; the code exchange must use the same one.</param>
public sealed record FacebookLoginState(string Value, DateTimeOffset CreatedAt, Uri RedirectUri)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Value = ").Append(Internal.SecretMask.Token(Value))
            .Append(", CreatedAt = ").Append(CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Append(", RedirectUri = ").Append(RedirectUri);
        return true;
    }
}
