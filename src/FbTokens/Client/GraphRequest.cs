using System.Text;

namespace FbTokens.Internal;

/// <summary>The keys FbTokens sets on each <see cref="HttpRequestMessage"/> so the pipeline can tell operations apart.</summary>
internal static class GraphRequestOptions
{
    /// <summary>The operation name, e.g. <c>ExchangeCode</c>.</summary>
    public static readonly HttpRequestOptionsKey<string> Operation = new("FbTokens.Operation");

    /// <summary>True when the request spends a single-use code and must not be sent twice.</summary>
    public static readonly HttpRequestOptionsKey<bool> SingleUse = new("FbTokens.SingleUse");

    /// <summary>The endpoint as a template without ids or query, e.g. <c>{user-id}/accounts</c>: safe for logs and tags.</summary>
    public static readonly HttpRequestOptionsKey<string> Endpoint = new("FbTokens.Endpoint");

    /// <summary>How many HTTP attempts the request has made so far.</summary>
    public static readonly HttpRequestOptionsKey<AttemptCounter> Attempts = new("FbTokens.Attempts");
}

/// <summary>
/// One Graph request under construction. Token endpoints (<c>oauth/*</c>) are sent as form-encoded POSTs, the
/// OAuth convention Graph accepts, so the app secret and codes never appear in a URL; reads stay GET as Graph
/// documents them, and FbTokens never logs their URLs.
/// </summary>
internal sealed class GraphRequest
{
    private readonly List<KeyValuePair<string, string>> _parameters = [];

    public GraphRequest(string operation, HttpMethod method, string path, bool singleUse = false, string? endpoint = null)
    {
        Operation = operation;
        Method = method;
        Path = path;
        SingleUse = singleUse;
        Endpoint = endpoint ?? path;
    }

    public string Operation { get; }

    /// <summary>The path as a template, without ids: safe for logs, span and metric tags.</summary>
    public string Endpoint { get; }

    /// <summary>The token the request acts with or on, for a masked fingerprint at Trace.</summary>
    public string? Token { get; set; }

    public AttemptCounter Attempts { get; } = new();

    public HttpMethod Method { get; }

    public string Path { get; }

    public bool SingleUse { get; }

    public SensitiveValues Sensitive { get; } = new();

    public GraphRequest Add(string name, string value)
    {
        _parameters.Add(new(name, value));
        return this;
    }

    /// <summary>Adds a parameter whose value must never be printed.</summary>
    public GraphRequest AddSecret(string name, string value)
    {
        Sensitive.Add(value);
        return Add(name, value);
    }

    public HttpRequestMessage ToHttpRequestMessage(Uri graphBase, string version)
    {
        var baseText = graphBase.AbsoluteUri;
        var builder = new StringBuilder(baseText.Length + 64);
        builder.Append(baseText);
        if (!baseText.EndsWith('/'))
        {
            builder.Append('/');
        }

        builder.Append(version).Append('/').Append(Path);
        HttpRequestMessage message;
        if (Method == HttpMethod.Get)
        {
            AppendQuery(builder, _parameters, first: true);
            message = new HttpRequestMessage(HttpMethod.Get, new Uri(builder.ToString(), UriKind.Absolute));
        }
        else
        {
            message = new HttpRequestMessage(Method, new Uri(builder.ToString(), UriKind.Absolute))
            {
                Content = new FormUrlEncodedContent(_parameters),
            };
        }

        Tag(message);
        return message;
    }

    /// <summary>Builds a GET for an absolute URL already checked to be on the Graph host (a paging link).</summary>
    public HttpRequestMessage ToHttpRequestMessage(Uri absoluteUrl, IEnumerable<KeyValuePair<string, string>> keptQuery)
    {
        var builder = new StringBuilder(absoluteUrl.GetLeftPart(UriPartial.Path));
        var first = AppendQuery(builder, keptQuery, first: true);
        AppendQuery(builder, _parameters, first);
        var message = new HttpRequestMessage(HttpMethod.Get, new Uri(builder.ToString(), UriKind.Absolute));
        Tag(message);
        return message;
    }

    private void Tag(HttpRequestMessage message)
    {
        message.Options.Set(GraphRequestOptions.Operation, Operation);
        message.Options.Set(GraphRequestOptions.SingleUse, SingleUse);
        message.Options.Set(GraphRequestOptions.Endpoint, Endpoint);
        message.Options.Set(GraphRequestOptions.Attempts, Attempts);
    }

    private static bool AppendQuery(StringBuilder builder, IEnumerable<KeyValuePair<string, string>> parameters, bool first)
    {
        foreach (var (name, value) in parameters)
        {
            builder.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return first;
    }
}
