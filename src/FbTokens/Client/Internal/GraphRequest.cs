using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace FbTokens.Internal;

/// <summary>How the pipeline finds the <see cref="GraphRequest"/> behind an <see cref="HttpRequestMessage"/>.</summary>
internal static class GraphRequestOptions
{
    /// <summary>The request's description: operation, endpoint template, single-use flag and attempt count.</summary>
    public static readonly HttpRequestOptionsKey<GraphRequest> Request = new("FbTokens.Request");

    /// <summary>The <see cref="GraphRequest"/> a message was built from, or null for a message FbTokens did not build.</summary>
    public static GraphRequest? Of(HttpRequestMessage? message) =>
        message is not null && message.Options.TryGetValue(Request, out var request) ? request : null;
}

/// <summary>
/// One Graph request under construction. Token endpoints (<c>oauth/*</c>) are sent as form-encoded POSTs, the
/// OAuth convention Graph accepts, so the app secret and codes never appear in a URL; reads stay GET as Graph
/// documents them, with the caller's own token in the <c>Authorization</c> header by default (see <see cref="AddAccessToken"/>),
/// and FbTokens never logs their URLs.
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

    private int _attempts;

    /// <summary>How many HTTP attempts the request has made so far.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Counts one more attempt and returns its number (1 for the first).</summary>
    public int StartAttempt() => Interlocked.Increment(ref _attempts);

    public HttpMethod Method { get; }

    public string Path { get; }

    public bool SingleUse { get; }

    public SensitiveValues Sensitive { get; } = new();

    /// <summary>Whether the reader keeps the trace id of a successful response in <see cref="ResponseTraceId"/> (paged reads).</summary>
    public bool KeepsTraceId { get; init; }

    /// <summary>The masked, shape-checked <c>x-fb-trace-id</c> of the successful response, when <see cref="KeepsTraceId"/>.</summary>
    public string? ResponseTraceId { get; set; }

    /// <summary>The body limits the response is read within (FbTokens:Limits); null reads with the defaults.</summary>
    public GraphResponseLimits? Limits { get; set; }

    /// <summary>
    /// What a success body is read into, within the HTTP attempt (<see cref="GraphAttemptHandler"/>), so that the
    /// attempt's timeout covers the body too; null leaves the body to the caller.
    /// </summary>
    public JsonTypeInfo? Payload { get; set; }

    /// <summary>
    /// The retry decision with this client's settings, for <see cref="GraphRetryPredicates"/> in a host's own pipeline;
    /// null decides with the defaults.
    /// </summary>
    public GraphRetryPolicy? RetryPolicy { get; set; }

    private string? _bearer;

    /// <summary>
    /// Adds the caller's own credential: the user, page, system-user or app token the request acts with. On a GET
    /// it travels in the <c>Authorization: Bearer</c> header when <paramref name="inHeader"/>
    /// (<see cref="FbTokensOptions.SendAccessTokenInHeader"/>), so that it is in no URL a proxy, an access log or a
    /// redirect could keep; otherwise it is the <c>access_token</c> query parameter. On a POST it goes in the form
    /// body as <c>access_token</c>, with the other secrets. Never printed.
    /// </summary>
    /// <remarks>
    /// Only the credential moves: <c>appsecret_proof</c> stays a parameter (Graph reads it only there), and so does a
    /// token that is the subject of the call rather than its credential, such as <c>debug_token</c>'s <c>input_token</c>.
    /// </remarks>
    public GraphRequest AddAccessToken(string token, bool inHeader)
    {
        if (Method != HttpMethod.Get || !inHeader)
        {
            return AddSecret("access_token", token);
        }

        Sensitive.Add(token);
        _bearer = token;
        return this;
    }

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

    public HttpRequestMessage ToHttpRequestMessage(Uri graphBase, string version) => ToHttpRequestMessage(VersionedBase(graphBase, version));

    /// <summary><c>{base}/{version}/</c>, computed once per client.</summary>
    public static string VersionedBase(Uri graphBase, string version)
    {
        var baseText = graphBase.AbsoluteUri;
        return string.Concat(baseText, baseText.EndsWith('/') ? string.Empty : "/", version, "/");
    }

    /// <summary>Builds the message under <paramref name="versionedBase"/> (see <see cref="VersionedBase"/>).</summary>
    public HttpRequestMessage ToHttpRequestMessage(string versionedBase)
    {
        HttpRequestMessage message;
        if (Method == HttpMethod.Get)
        {
            var builder = new StringBuilder(versionedBase.Length + Path.Length + 256);
            builder.Append(versionedBase).Append(Path);
            AppendQuery(builder, _parameters, first: true);
            message = new HttpRequestMessage(HttpMethod.Get, new Uri(builder.ToString(), UriKind.Absolute));
            if (_bearer is not null)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _bearer);
            }
        }
        else
        {
            message = new HttpRequestMessage(Method, new Uri(versionedBase + Path, UriKind.Absolute))
            {
                Content = new FormUrlEncodedContent(_parameters),
            };
        }

        Tag(message);
        return message;
    }

    private void Tag(HttpRequestMessage message)
    {
        message.Options.Set(GraphRequestOptions.Request, this);
    }

    private static void AppendQuery(StringBuilder builder, IEnumerable<KeyValuePair<string, string>> parameters, bool first)
    {
        foreach (var (name, value) in parameters)
        {
            builder.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }
    }
}
