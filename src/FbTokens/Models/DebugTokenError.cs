namespace FbTokens;

/// <summary>Why <c>debug_token</c> reports a token invalid.</summary>
/// <param name="Code">Graph's error code, usually 190.</param>
/// <param name="Message">Graph's message.</param>
/// <param name="Subcode">Graph's subcode (see <see cref="TokenErrorReason"/>), if any.</param>
public sealed record DebugTokenError(int Code, string Message, int? Subcode)
{
    /// <summary>The reason the subcode stands for.</summary>
    public TokenErrorReason Reason => Internal.GraphErrorClassifier.ReasonFor(Subcode);
}
