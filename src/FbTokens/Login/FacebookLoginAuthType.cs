namespace FbTokens;

/// <summary>What the Facebook Login dialog is asked to do beyond a plain login (<c>auth_type</c>).</summary>
public enum FacebookLoginAuthType
{
    /// <summary>A plain login: no <c>auth_type</c>.</summary>
    None = 0,

    /// <summary>Ask again for permissions the person declined before (<c>auth_type=rerequest</c>).</summary>
    Rerequest = 1,

    /// <summary>Ask the person to confirm the app's access again, which renews the 90-day data-access window
    /// (<c>auth_type=reauthorize</c>).</summary>
    Reauthorize = 2,
}
