using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Decides whether to follow <c>paging.next</c>, and what to send when it does. One instance per enumeration.
/// <list type="bullet">
/// <item>The link is only followed while it points at the configured Graph scheme, host and port, so that a token is
/// never sent to another host.</item>
/// <item>It is rebuilt, not filtered: only Graph's paging parameters (<see cref="PagingParameters"/>) are taken from
/// it, each at most once; the client puts them on its own base address, version and path, and adds its own token
/// and proof. Whatever else the link carries (a credential under any spelling, another path) is dropped.</item>
/// <item>Every way it could run for ever is bounded by <see cref="GraphResponseLimits"/>: pages per enumeration,
/// empty pages in a row, and the links remembered to detect a loop.</item>
/// </list>
/// </summary>
internal sealed class PageTokenPager(Uri graphBase, GraphResponseLimits limits, ILogger logger, string operation, string endpoint)
{
    /// <summary>
    /// The query parameters Graph's paging links use: cursor-based (<c>after</c>, <c>before</c>, <c>limit</c>),
    /// time-based (<c>until</c>, <c>since</c>, <c>__paging_token</c>) and offset-based (<c>offset</c>) paging, and
    /// the <c>fields</c> the first request asked for. Exact, case-sensitive names, as Graph writes them.
    /// </summary>
    internal static readonly string[] PagingParameters = ["after", "before", "limit", "fields", "until", "since", "offset", "__paging_token"];

    // Hashes, not the links themselves: a link is as long as Graph makes it, a hash is 32 bytes.
    private readonly HashSet<string> _seenLinks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenCursors = new(StringComparer.Ordinal);
    private int _pages;
    private int _emptyInRow;
    private string? _traceId;

    /// <summary>
    /// Called once per page read, with its entry count, paging block and trace id (masked; named by the error should
    /// paging stop here). Returns false at the end of the list; otherwise <paramref name="query"/> holds the paging
    /// parameters to send for the next page.
    /// </summary>
    /// <exception cref="GraphProtocolException">The link leaves the Graph host, repeats a page, or a bound was reached.</exception>
    public bool TryGetNext(int entries, PagingPayload? paging, string? fbTraceId, out List<KeyValuePair<string, string>> query)
    {
        _traceId = fbTraceId;
        query = null!;
        _pages++;
        _emptyInRow = entries == 0 ? _emptyInRow + 1 : 0;
        if (string.IsNullOrEmpty(paging?.Next))
        {
            return false;
        }

        if (!Uri.TryCreate(paging.Next, UriKind.Absolute, out var candidate) || !IsOnGraphHost(candidate))
        {
            // The link itself may carry the token: it is never put in the message.
            throw Stop("the next link left the Graph host", "Graph's paging.next points outside the configured Graph base address; it was not followed.");
        }

        if (_emptyInRow >= limits.MaxConsecutiveEmptyPages)
        {
            // Graph may send an empty page with a next link (privacy filtering), so a few are followed; past the
            // bound the list cannot be told complete, and ending quietly would pass a partial list off as whole.
            throw Stop("FbTokens:Limits:MaxConsecutiveEmptyPages was reached", string.Create(CultureInfo.InvariantCulture,
                $"Graph sent {_emptyInRow} empty pages in a row, the last still with a next link; paging stopped at FbTokens:Limits:MaxConsecutiveEmptyPages ({limits.MaxConsecutiveEmptyPages}) and the list may be incomplete."));
        }

        query = KeepPagingParameters(candidate.Query);
        // Stryker disable once String : links and cursors are kept in separate sets, so the kind never decides a match
        var link = Fingerprint("link", Normalise(query));
        // Stryker disable once String : links and cursors are kept in separate sets, so the kind never decides a match
        var cursor = paging.Cursors?.After is { Length: > 0 } after ? Fingerprint("cursor", after) : null;
        if (_seenLinks.Contains(link) || (cursor is not null && _seenCursors.Contains(cursor)))
        {
            throw Stop("the next link repeated a page", "Graph's paging.next repeats a page already read (the same link or cursor); paging stopped to avoid a loop.");
        }

        if (_pages >= limits.MaxPages)
        {
            throw Stop("FbTokens:Limits:MaxPages was reached", string.Create(CultureInfo.InvariantCulture,
                $"Graph's paging went on past FbTokens:Limits:MaxPages ({limits.MaxPages} pages); paging stopped and the list may be incomplete."));
        }

        if (_seenLinks.Count >= limits.MaxSeenPageLinks)
        {
            throw Stop("FbTokens:Limits:MaxSeenPageLinks was reached", string.Create(CultureInfo.InvariantCulture,
                $"Graph's paging went on past FbTokens:Limits:MaxSeenPageLinks ({limits.MaxSeenPageLinks} links remembered to detect loops); paging stopped and the list may be incomplete."));
        }

        _seenLinks.Add(link);
        if (cursor is not null)
        {
            _seenCursors.Add(cursor);
        }

        return true;
    }

    /// <summary>Logs which rule stopped paging (a fixed phrase, never the link) and builds the error to throw.</summary>
    private GraphProtocolException Stop(string reason, string message)
    {
        Log.PagingStopped(logger, operation, endpoint, _pages, reason);
        return new GraphProtocolException(message, HttpStatusCode.OK, fbTraceId: _traceId);
    }

    private bool IsOnGraphHost(Uri candidate) =>
        string.Equals(candidate.Scheme, graphBase.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(candidate.IdnHost, graphBase.IdnHost, StringComparison.OrdinalIgnoreCase)
        && candidate.Port == graphBase.Port
        && string.IsNullOrEmpty(candidate.UserInfo);

    /// <summary>
    /// The link's paging parameters, first occurrence of each, decoded. A name counts only when spelt exactly as
    /// Graph spells it: <c>AFTER</c>, <c>after[]</c> or <c>%61fter</c> are dropped, like every other parameter.
    /// </summary>
    internal static List<KeyValuePair<string, string>> KeepPagingParameters(string query)
    {
        var result = new List<KeyValuePair<string, string>>(4);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            // Stryker disable once Equality : at eq == 0 the name is empty either way, and no paging parameter is
            var name = eq < 0 ? part : part[..eq];
            if (Array.IndexOf(PagingParameters, name) < 0 || result.Exists(p => p.Key == name))
            {
                continue;
            }

            // Stryker disable once Equality : a paging parameter's name is not empty, so eq is never 0 here
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            result.Add(new(name, value));
        }

        return result;
    }

    /// <summary>The rebuilt query in one spelling (names in order, values escaped): the same page, the same text.</summary>
    private static string Normalise(List<KeyValuePair<string, string>> query)
    {
        var builder = new StringBuilder();
        // Stryker disable once Linq : any fixed order gives the same page one spelling
        foreach (var (name, value) in query.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            builder.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }

        return builder.ToString();
    }

    // Stryker disable once String : the separator only keeps the kind apart, and each kind has its own set
    private static string Fingerprint(string kind, string text) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + text)));
}
