namespace FbTokens;

/// <summary>The signed-in user's token, or why there is none.</summary>
/// <param name="Status">What was found.</param>
/// <param name="UserId">The app-scoped user id read from the principal; null when nobody is signed in.</param>
/// <param name="Token">The usable stored token when <paramref name="Status"/> is <see cref="FacebookUserTokenStatus.Found"/>.
/// Its <c>ToString()</c> masks the value.</param>
/// <param name="Reason">Why there is no usable token, when <paramref name="Status"/> is
/// <see cref="FacebookUserTokenStatus.ReauthenticationRequired"/> (<see cref="TokenErrorReason.Unknown"/> when none was stored).</param>
public sealed record FacebookUserTokenResult(FacebookUserTokenStatus Status, string? UserId, StoredToken? Token, TokenErrorReason? Reason)
{
    /// <summary>True when <see cref="Token"/> is a usable token.</summary>
    public bool Succeeded => Status == FacebookUserTokenStatus.Found && Token is not null;
}
