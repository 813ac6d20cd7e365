namespace FbTokens.Internal;

/// <summary>
/// Decides whether to follow <c>paging.next</c>: only while it points at the configured Graph base address,
/// so that a token is never sent to another host, and never in a loop.
/// </summary>
internal sealed class PageTokenPager(Uri graphBase)
{
    private readonly HashSet<string> _seenCursors = new(StringComparer.Ordinal);

    public bool TryGetNext(PagingPayload? paging, out Uri next, out List<KeyValuePair<string, string>> keptQuery)
    {
        next = null!;
        keptQuery = null!;
        if (string.IsNullOrEmpty(paging?.Next))
        {
            return false;
        }

        if (!Uri.TryCreate(paging.Next, UriKind.Absolute, out var candidate) || !IsOnGraphHost(candidate))
        {
            // The link itself may carry the token: it is never put in the message.
            throw new GraphProtocolException("Graph's paging.next points outside the configured Graph base address; it was not followed.");
        }

        var cursor = paging.Cursors?.After ?? candidate.Query;
        if (!_seenCursors.Add(cursor))
        {
            throw new GraphProtocolException("Graph's paging.next repeats a page already read; paging stopped to avoid a loop.");
        }

        keptQuery = ParseQueryWithoutCredentials(candidate.Query);
        next = candidate;
        return true;
    }

    private bool IsOnGraphHost(Uri candidate) =>
        string.Equals(candidate.Scheme, graphBase.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(candidate.IdnHost, graphBase.IdnHost, StringComparison.OrdinalIgnoreCase)
        && candidate.Port == graphBase.Port
        && candidate.AbsolutePath.StartsWith(graphBase.AbsolutePath, StringComparison.Ordinal)
        && string.IsNullOrEmpty(candidate.UserInfo);

    /// <summary>The link's query without <c>access_token</c> and <c>appsecret_proof</c>, which the client sets itself.</summary>
    internal static List<KeyValuePair<string, string>> ParseQueryWithoutCredentials(string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            if (name is "access_token" or "appsecret_proof")
            {
                continue;
            }

            result.Add(new(name, value));
        }

        return result;
    }
}
