namespace FbTokens;

/// <summary>A Login dialog URL and the state the app keeps until the callback.</summary>
/// <param name="Url">The dialog URL to redirect the browser to. It contains the state value: do not log it.</param>
/// <param name="State">
/// What the app keeps until the callback (in a protected cookie or the session) and hands back to
/// <see cref="IFacebookLoginUrlBuilder.ValidateCallback"/>. Nothing is kept on the server, so a web farm needs no shared store.
/// </param>
public sealed record FacebookLoginUrl(Uri Url, FacebookLoginState State)
{
    /// <summary>Prints the dialog address without its query (which holds the state value) and the masked state.</summary>
    /// <returns>A safe description.</returns>
    public override string ToString() =>
        $"FacebookLoginUrl {{ Url = {Url.GetLeftPart(UriPartial.Path)}?…, State = {State} }}";
}
