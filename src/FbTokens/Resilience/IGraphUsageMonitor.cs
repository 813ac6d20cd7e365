namespace FbTokens;

/// <summary>
/// The latest usage Graph reported in its <c>X-App-Usage</c>, <c>X-Page-Usage</c>, <c>X-Business-Use-Case-Usage</c>
/// and <c>X-Ad-Account-Usage</c> headers, and the API version it answered with. Inject it to show or act on how close
/// the app is to its rate limits, or to notice that the configured Graph API version is being upgraded.
/// </summary>
public interface IGraphUsageMonitor
{
    /// <summary>The latest usage reported, or null before any response carried usage headers.</summary>
    GraphUsage? Current { get; }

    /// <summary>When <see cref="Current"/> was reported, on the client's <see cref="TimeProvider"/>.</summary>
    DateTimeOffset? UpdatedAt { get; }

    /// <summary>
    /// The Graph API version (<c>vNN.N</c>) named in the <c>facebook-api-version</c> header of the latest response
    /// that carried a well-formed one, or null before any did. When it differs from
    /// <see cref="FbTokensOptions.GraphApiVersion"/>, Graph has upgraded the configured version (it is deprecated or
    /// no longer available): FbTokens logs a warning once and counts every such answer in
    /// <c>fbtokens.api_version.upgraded</c>.
    /// </summary>
    string? AnsweredGraphApiVersion { get; }
}
