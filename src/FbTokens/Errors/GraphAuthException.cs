using System.Net;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>
/// The token is unusable: Graph error 190 or 102, or one of the token subcodes (458–467, 492).
/// Send the person through login again when <see cref="RequiresReauthentication"/> is true; when
/// <see cref="GraphApiException.RequiresUserAction"/> is true they must act on facebook.com instead.
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
    /// True when no retry can help and the person must log in to the app again (with <c>auth_type=reauthorize</c> for
    /// <see cref="TokenErrorReason.DataAccessExpired"/>). False when Graph marked the error transient, and when the person
    /// must act on facebook.com first (<see cref="GraphApiException.RequiresUserAction"/>: checkpoint, unconfirmed account).
    /// </summary>
    public bool RequiresReauthentication => !IsTransient && !RequiresUserAction;
}
