using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;

namespace FbTokens.Tests.DependencyInjection;

/// <summary>
/// A fake Graph that serves ONE app and checks that everything it receives is that app's: client id and secret, the app
/// token, every user or page token (this app's tokens start with <c>EAAB{tag}</c>) and every <c>appsecret_proof</c>
/// (computed with this app's secret). Each app's client gets its own, so a request of one app that reached another's
/// client, or a token sent with the other app's proof, is a problem it records. Answers debug_token (single and batched),
/// the long-lived exchange, <c>/accounts</c> (one page, <c>3001</c>) and <c>/me</c>.
/// </summary>
internal sealed class AppGraph(string appId, string appSecret, string tag) : HttpMessageHandler
{
    private const string Version = FbTokensOptions.DefaultGraphApiVersion;
    private int _renewals;

    public string AppId { get; } = appId;

    public string AppSecret { get; } = appSecret;

    public string Tag { get; } = tag;

    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Every user or page token this fake received (as the caller's token or as debug_token's input).</summary>
    public ConcurrentQueue<string> TokensSeen { get; } = new();

    public int Requests => Volatile.Read(ref _requests);

    public int BatchRequests => Volatile.Read(ref _batchRequests);

    /// <summary>An <c>X-App-Usage</c> header to send with every answer, if set.</summary>
    public string? AppUsageHeader { get; set; }

    private int _requests;
    private int _batchRequests;

    public string UserToken(string userId) => "EAAB" + Tag + "user-" + userId;

    public string PageToken(string pageId) => "EAAB" + Tag + "page-" + pageId;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var uri = request.RequestUri!;
        var query = Parse(uri.Query.TrimStart('?'));
        var form = request.Content is null ? new Dictionary<string, string>() : Parse(await request.Content.ReadAsStringAsync(cancellationToken));
        var token = request.Headers.Authorization?.Parameter ?? form.GetValueOrDefault("access_token") ?? query.GetValueOrDefault("access_token");
        var path = uri.AbsolutePath;

        if (form.TryGetValue("client_id", out var clientId) && clientId != AppId)
        {
            Problems.Enqueue("client_id of another app");
        }

        if (form.TryGetValue("client_secret", out var secret) && secret != AppSecret)
        {
            Problems.Enqueue("client_secret of another app");
        }

        if (token is not null && token.Contains('|', StringComparison.Ordinal))
        {
            if (token != AppId + "|" + AppSecret)
            {
                Problems.Enqueue("app token of another app");
            }
        }
        else if (token is not null)
        {
            CheckOwnToken(token);
            if (!query.TryGetValue("appsecret_proof", out var proof) || proof != AppSecretProof.Compute(Encoding.UTF8.GetBytes(AppSecret), token))
            {
                Problems.Enqueue("a token without this app's proof on " + path);
            }
        }

        var answer = path switch
        {
            "/" => Batch(form),
            _ when path == $"/{Version}/debug_token" => Debug(query.GetValueOrDefault("input_token") ?? string.Empty),
            _ when path == $"/{Version}/oauth/access_token" => Exchange(form),
            _ when path.EndsWith("/accounts", StringComparison.Ordinal) => LifecyclePayloads.Accounts(("3001", PageToken("3001"))),
            _ when path == $"/{Version}/me" => """{"id":"1"}""",
            _ => null,
        };
        if (answer is null)
        {
            Problems.Enqueue("unexpected " + path);
            return LifecyclePayloads.Json(HttpStatusCode.NotFound, LifecyclePayloads.Error(100));
        }

        var response = LifecyclePayloads.Json(HttpStatusCode.OK, answer);
        if (AppUsageHeader is not null)
        {
            response.Headers.TryAddWithoutValidation("X-App-Usage", AppUsageHeader);
        }

        return response;
    }

    private void CheckOwnToken(string token)
    {
        TokensSeen.Enqueue(token);
        if (!token.StartsWith("EAAB" + Tag, StringComparison.Ordinal))
        {
            Problems.Enqueue("a token of another app");
        }
    }

    private string Debug(string input)
    {
        CheckOwnToken(input);
        var user = input[(input.LastIndexOf('-') + 1)..];
        return string.Create(CultureInfo.InvariantCulture,
            $$$"""{"data":{"app_id":"{{{AppId}}}","type":"USER","application":"App {{{Tag}}}","is_valid":true,"expires_at":{{{LifecycleHost.Start.AddDays(50).ToUnixTimeSeconds()}}},"issued_at":1700000000,"scopes":["email","pages_show_list"],"user_id":"{{{user}}}"}}""");
    }

    private string Exchange(Dictionary<string, string> form)
    {
        var old = form.GetValueOrDefault("fb_exchange_token") ?? string.Empty;
        CheckOwnToken(old);
        var user = old[(old.LastIndexOf('-') + 1)..];
        var n = Interlocked.Increment(ref _renewals);
        return LifecyclePayloads.LongLived(string.Create(CultureInfo.InvariantCulture, $"EAAB{Tag}renewed{n}-{user}"));
    }

    private string Batch(Dictionary<string, string> form)
    {
        Interlocked.Increment(ref _batchRequests);
        using var batch = JsonDocument.Parse(form.GetValueOrDefault("batch") ?? "[]");
        var answer = new StringBuilder("[");
        foreach (var op in batch.RootElement.EnumerateArray())
        {
            var url = op.GetProperty("relative_url").GetString()!;
            var input = Uri.UnescapeDataString(url[(url.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            answer.Append(answer.Length == 1 ? string.Empty : ",")
                .Append("{\"code\":200,\"body\":").Append(JsonSerializer.Serialize(Debug(input))).Append('}');
        }

        return answer.Append(']').ToString();
    }

    private static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[Decode(pair[..eq])] = Decode(pair[(eq + 1)..]);
            }
        }

        return result;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
