using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace FbTokens.Tests.Framework;

/// <summary>
/// Answers Graph's batch API (<c>POST {base}/</c> with <c>access_token</c>, <c>include_headers</c> and <c>batch</c>) for
/// <c>debug_token</c> operations, as Graph does: a JSON array of <c>{"code":200,"body":"…"}</c> or <c>null</c>.
/// A token whose value starts with <c>INVALID</c> is reported invalid (subcode 460); others valid. Counts requests.
/// </summary>
internal sealed class FakeBatchGraphHandler : HttpMessageHandler
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public int LargestBatch { get; private set; }

    /// <summary>Released once per request, so a test can wait for the next one without sleeping.</summary>
    public SemaphoreSlim RequestSeen { get; } = new(0);

    /// <summary>Input tokens to answer with <c>null</c> once (Graph did not complete them).</summary>
    public ConcurrentDictionary<string, bool> IncompleteOnce { get; } = new();

    public ConcurrentQueue<string> ProblemsSeen { get; } = new();

    /// <summary>How many times each input token was sent in a <c>debug_token</c> operation.</summary>
    public ConcurrentDictionary<string, int> Checks { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the request with this 1-based number is answered with a 500 (the whole batch fails).</summary>
    public int? FailRequest { get; set; }

    /// <summary>When set, every request waits for it, after counting itself and releasing <see cref="Holding"/>.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Released once per request that starts waiting on <see cref="Hold"/>.</summary>
    public SemaphoreSlim Holding { get; } = new(0);

    public Func<string, DateTimeOffset?> ExpiresAt { get; set; } = _ => LifecycleHost.Start + TimeSpan.FromDays(50);

    public Func<string, DateTimeOffset?> DataAccessExpiresAt { get; set; } = _ => LifecycleHost.Start + TimeSpan.FromDays(80);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _requests);
        if (number == FailRequest)
        {
            RequestSeen.Release();
            return LifecyclePayloads.Json(HttpStatusCode.InternalServerError, LifecyclePayloads.Error(2, transient: true));
        }

        if (Hold is { } hold)
        {
            Holding.Release();
            await hold.Task.WaitAsync(cancellationToken);
        }
        if (request.Method != HttpMethod.Post || request.RequestUri!.AbsolutePath != "/" || !string.IsNullOrEmpty(request.RequestUri.Query))
        {
            ProblemsSeen.Enqueue("not POST {base}/: " + request.Method + " " + request.RequestUri!.AbsolutePath);
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var form = ParseForm(await request.Content!.ReadAsStringAsync(cancellationToken));
        if (form.GetValueOrDefault("access_token") != LifecycleHost.AppId + "|" + LifecycleHost.AppSecret || form.GetValueOrDefault("include_headers") != "false")
        {
            ProblemsSeen.Enqueue("bad access_token or include_headers");
            return LifecyclePayloads.Json(HttpStatusCode.BadRequest, LifecyclePayloads.Error(190));
        }

        using var batch = JsonDocument.Parse(form["batch"]);
        var count = batch.RootElement.GetArrayLength();
        LargestBatch = Math.Max(LargestBatch, count);
        if (count > 50)
        {
            ProblemsSeen.Enqueue("batch over 50");
            return LifecyclePayloads.Json(HttpStatusCode.BadRequest, LifecyclePayloads.Error(100));
        }

        var answer = new StringBuilder("[");
        var first = true;
        foreach (var op in batch.RootElement.EnumerateArray())
        {
            answer.Append(first ? string.Empty : ",");
            first = false;
            var url = op.GetProperty("relative_url").GetString()!;
            var prefix = LifecycleHost.Version + "/debug_token?input_token=";
            if (op.GetProperty("method").GetString() != "GET" || !url.StartsWith(prefix, StringComparison.Ordinal))
            {
                ProblemsSeen.Enqueue("bad operation " + url);
                answer.Append("null");
                continue;
            }

            var token = Uri.UnescapeDataString(url[prefix.Length..]);
            Checks.AddOrUpdate(token, 1, static (_, n) => n + 1);
            if (IncompleteOnce.TryRemove(token, out _))
            {
                answer.Append("null");
                continue;
            }

            var valid = !token.StartsWith("INVALID", StringComparison.Ordinal);
            var body = LifecyclePayloads.DebugData(valid, UserOf(token), ExpiresAt(token), DataAccessExpiresAt(token));
            answer.Append("{\"code\":200,\"body\":").Append(JsonSerializer.Serialize(body)).Append('}');
        }

        answer.Append(']');
        RequestSeen.Release();
        return LifecyclePayloads.Json(HttpStatusCode.OK, answer.ToString());
    }

    /// <summary>Lets a MockHttp fallback delegate batch requests here.</summary>
    public Task<HttpResponseMessage> SendAsyncPublic(HttpRequestMessage request) => SendAsync(request, CancellationToken.None);

    private static string UserOf(string token)
    {
        var dash = token.LastIndexOf('-');
        return dash >= 0 ? token[(dash + 1)..] : "0";
    }

    private static Dictionary<string, string> ParseForm(string body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            result[Decode(pair[..eq])] = Decode(pair[(eq + 1)..]);
        }

        return result;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    public static string TokenFor(int i, bool invalid) =>
        string.Create(CultureInfo.InvariantCulture, $"{(invalid ? "INVALID" : "EAAB")}token{i:D6}xyz-{1_000_000 + i}");
}
