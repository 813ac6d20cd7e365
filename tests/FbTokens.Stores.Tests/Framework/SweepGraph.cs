using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// A fake Graph for distributed sweep tests, shared by every instance: counts batch requests and <c>debug_token</c>
/// operations (and each token's checks), and answers as Graph does. A token whose value starts with <c>EAABdead</c>
/// followed by a subcode (e.g. <c>EAABdead460x…</c>) is invalid with that subcode; every other token is valid, with the
/// expiry, data-access window and scopes the tests store, so a valid token's check writes nothing.
/// </summary>
internal sealed class SweepGraph
{
    public const string AppId = StoreServices.AppId;
    public const string AppSecret = "emulatorsecret";
    public const string Version = FbTokensOptions.DefaultGraphApiVersion;
    public static readonly Uri BaseAddress = new("http://graph.test/");
    public static readonly DateTimeOffset ExpiresAt = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset DataAccessExpiresAt = new(2031, 2, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly string[] Scopes = ["email", "pages_show_list"];

    private int _requests;
    private int _operations;

    public int Requests => Volatile.Read(ref _requests);

    public int Operations => Volatile.Read(ref _operations);

    /// <summary>How many times Graph answered for each token value.</summary>
    public ConcurrentDictionary<string, int> Checks { get; } = new(StringComparer.Ordinal);

    /// <summary>The tokens of the request a killed instance sent, which it never got an answer for.</summary>
    public ConcurrentQueue<string> Held { get; } = new();

    /// <summary>Set when a killed instance's request has arrived.</summary>
    public TaskCompletionSource HeldSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>An instance's handler; a <paramref name="killed"/> instance's requests never get an answer.</summary>
    public HttpMessageHandler Handler(bool killed = false) => new Instance(this, killed);

    public static string ValidToken(int i) => string.Create(CultureInfo.InvariantCulture, $"EAABsweep{i:D7}tok");

    public static string InvalidToken(int i, int subcode) => string.Create(CultureInfo.InvariantCulture, $"EAABdead{subcode}x{i:D7}tok");

    private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, bool killed, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.RequestUri!.AbsolutePath != "/")
        {
            Problems.Enqueue("not a batch: " + request.Method + " " + request.RequestUri!.AbsolutePath);
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var form = Form(await request.Content!.ReadAsStringAsync(cancellationToken));
        using var batch = JsonDocument.Parse(form["batch"]);
        var prefix = Version + "/debug_token?input_token=";
        var tokens = batch.RootElement.EnumerateArray().Select(op => Uri.UnescapeDataString(op.GetProperty("relative_url").GetString()![prefix.Length..])).ToList();
        if (killed)
        {
            foreach (var token in tokens)
            {
                Held.Enqueue(token);
            }

            HeldSeen.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        Interlocked.Increment(ref _requests);
        if (tokens.Count > 50)
        {
            Problems.Enqueue("batch over 50");
        }

        var answer = new StringBuilder("[");
        foreach (var token in tokens)
        {
            Interlocked.Increment(ref _operations);
            Checks.AddOrUpdate(token, 1, static (_, n) => n + 1);
            answer.Append(answer.Length > 1 ? "," : string.Empty)
                .Append("{\"code\":200,\"body\":").Append(JsonSerializer.Serialize(Debug(token))).Append('}');
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answer.Append(']').ToString(), Encoding.UTF8, "application/json") };
    }

    private static string Debug(string token)
    {
        var valid = !token.StartsWith("EAABdead", StringComparison.Ordinal);
        var error = valid ? string.Empty : $",\"error\":{{\"code\":190,\"message\":\"Error validating access token\",\"subcode\":{token[8..11]}}}";
        return string.Create(CultureInfo.InvariantCulture,
            $$$"""{"data":{"app_id":"{{{AppId}}}","type":"USER","application":"Test","is_valid":{{{(valid ? "true" : "false")}}},"expires_at":{{{ExpiresAt.ToUnixTimeSeconds()}}},"data_access_expires_at":{{{DataAccessExpiresAt.ToUnixTimeSeconds()}}},"issued_at":1700000000,"scopes":["email","pages_show_list"],"user_id":"1"{{{error}}}}}""");
    }

    private static Dictionary<string, string> Form(string body)
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

    private sealed class Instance(SweepGraph graph, bool killed) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            graph.AnswerAsync(request, killed, cancellationToken);
    }
}
