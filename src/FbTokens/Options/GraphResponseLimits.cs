namespace FbTokens;

/// <summary>
/// Bounds on what FbTokens accepts from Graph (or anything answering in its place), so that no response can make a
/// call hang, loop or hold unbounded memory. Bind them from <c>FbTokens:Limits:*</c>. A response past a limit ends
/// the call with a <see cref="GraphProtocolException"/>; a header-derived wait past its limit is capped.
/// </summary>
public sealed class GraphResponseLimits
{
    /// <summary>
    /// The largest success body read, in bytes. Default 4 MiB: a full 100-entry <c>/accounts</c> page or a 50-entry
    /// <c>debug_token</c> batch is about 100 KiB.
    /// </summary>
    public int MaxResponseBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest error body read, in bytes. Default 1 MiB; Graph's error envelopes are well under 4 KiB.</summary>
    public int MaxErrorBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most <c>/accounts</c> pages one enumeration reads. Default 1,000 (100,000 Facebook Pages at 100 a page).
    /// When the last page allowed still has a <c>next</c> link, the enumeration ends with a
    /// <see cref="GraphProtocolException"/> after the entries already returned.
    /// </summary>
    public int MaxPages { get; set; } = 1000;

    /// <summary>
    /// The most empty pages in a row that an enumeration reads. Default 3. Graph may send an empty page with a
    /// <c>next</c> link (privacy filtering), so a few are followed; when this many come in a row and the last still has
    /// a <c>next</c> link, the enumeration ends with a <see cref="GraphProtocolException"/> rather than quietly, since a
    /// quiet end would pass a partial list off as complete. An empty last page (no <c>next</c>) always ends quietly.
    /// </summary>
    public int MaxConsecutiveEmptyPages { get; set; } = 3;

    /// <summary>
    /// The most paging links one enumeration remembers (each as a fixed-size hash of the rebuilt link, with its
    /// cursor) to detect a loop. Default 1,000. Past it the enumeration ends with a <see cref="GraphProtocolException"/>.
    /// </summary>
    public int MaxSeenPageLinks { get; set; } = 1000;
}
