using System.Net;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>
/// The token is unusable: Graph error 190 or 102, or one of the token subcodes (458–467, 492).
/// Send the person through login again when <see cref="RequiresReauthentication"/> is true.
/// </summary>
public sealed class GraphAuthException : GraphApiException
{
    /// <summary>Creates the exception from Graph's error envelope.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="error">The error Graph sent.</param>
    /// <param name="innerException">The cause, if any.</param>
    public GraphAuthException(HttpStatusCode statusCode, GraphError error, Exception? innerException = null)
        : base(statusCode, error, innerException)
    {
        Reason = GraphErrorClassifier.ReasonFor(error.Subcode);
    }

    /// <summary>Why the token is unusable, from the subcode.</summary>
    public TokenErrorReason Reason { get; }

    /// <summary>
    /// True when no retry can help and the person must log in again (after acting on facebook.com for
    /// <see cref="TokenErrorReason.UserCheckpointed"/> and <see cref="TokenErrorReason.UnconfirmedUser"/>).
    /// False only when Graph marked the error transient.
    /// </summary>
    public bool RequiresReauthentication => !IsTransient;
}

/// <summary>Why Graph considers a token unusable, from its error subcode.</summary>
public enum TokenErrorReason
{
    /// <summary>No subcode, or one this library does not know.</summary>
    Unknown = 0,

    /// <summary>458: the person has not logged into the app, or removed it.</summary>
    AppNotInstalled = 458,

    /// <summary>459: the person is checkpointed and must log in at facebook.com first.</summary>
    UserCheckpointed = 459,

    /// <summary>460: the person changed their password.</summary>
    PasswordChanged = 460,

    /// <summary>463: the token has expired.</summary>
    Expired = 463,

    /// <summary>464: the person's account is not confirmed.</summary>
    UnconfirmedUser = 464,

    /// <summary>467: the token is invalid (the person logged out, or it was revoked).</summary>
    InvalidAccessToken = 467,

    /// <summary>492: the session is invalid, e.g. the person no longer has a role on the page.</summary>
    InvalidSession = 492,
}
