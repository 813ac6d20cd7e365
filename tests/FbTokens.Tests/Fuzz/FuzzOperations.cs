using System.Globalization;
using System.Net;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Fuzz.FuzzHost;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// One fuzzed operation: how to call it, the well-formed answer used after the odd one, how to tell that the later
/// call got it right, what a returned record must satisfy, and which secrets the call sends (never to be echoed).
/// </summary>
internal sealed record FuzzOperation(
    string Name,
    Func<FuzzHost, CancellationToken, Task<object>> Invoke,
    Func<HttpResponseMessage> Normal,
    Func<object, bool> IsNormal,
    Action<object, FuzzInput, FuzzHost, List<string>> Check,
    IReadOnlyList<string> Secrets)
{
    public override string ToString() => Name;
}

internal static class FuzzOperations
{
    public const string ExchangeCode = "ExchangeCode";
    public const string ExchangeForLongLivedToken = "ExchangeForLongLivedToken";
    public const string GetPageTokens = "GetPageTokens";
    public const string GetClientCode = "GetClientCode";
    public const string RedeemClientCode = "RedeemClientCode";
    public const string DebugToken = "DebugToken";
    public const string GetAppAccessToken = "GetAppAccessToken";
    public const string BatchDebugToken = "BatchDebugToken";

    private static readonly string NormalBatch = "[" + string.Join(",", Enumerable.Repeat("{\"code\":200,\"body\":" + JsonSerializer.Serialize(GraphPayloads.DebugValid, FuzzJsonContext.Default.String) + "}", 2)) + "]";

    public static readonly IReadOnlyList<FuzzOperation> All =
    [
        new(ExchangeCode,
            async (h, ct) => await h.Client.ExchangeCodeAsync(Code, RedirectUri, ct),
            () => GraphTestHost.Json(GraphPayloads.UserToken),
            r => ((AccessTokenResponse)r).AccessToken == GraphPayloads.ShortLivedToken,
            (r, input, host, v) => CheckToken(((AccessTokenResponse)r).AccessToken, ((AccessTokenResponse)r).ExpiresIn, ((AccessTokenResponse)r).ExpiresAt, input, host, v),
            [AppSecret, Code]),
        new(ExchangeForLongLivedToken,
            async (h, ct) => await h.Client.ExchangeForLongLivedTokenAsync(ShortToken, ct),
            () => GraphTestHost.Json(GraphPayloads.LongLived),
            r => ((LongLivedTokenResponse)r).AccessToken == GraphPayloads.LongLivedToken,
            (r, input, host, v) => CheckToken(((LongLivedTokenResponse)r).AccessToken, ((LongLivedTokenResponse)r).ExpiresIn, ((LongLivedTokenResponse)r).ExpiresAt, input, host, v),
            [AppSecret, ShortToken]),
        new(GetPageTokens,
            async (h, ct) =>
            {
                var pages = new List<PageTokenResponse>();
                await foreach (var page in h.Client.GetPageTokensAsync(UserId, LongToken, ct))
                {
                    pages.Add(page);
                }

                return pages;
            },
            () => GraphTestHost.Json(GraphPayloads.Accounts([GraphPayloads.Page])),
            r => r is List<PageTokenResponse> { Count: 1 } pages && pages[0].Id == "1353269864728879" && pages[0].AccessToken == GraphPayloads.PageToken,
            (r, _, _, v) => CheckPages((List<PageTokenResponse>)r, v),
            [AppSecret, LongToken, LongTokenProof]),
        new(GetClientCode,
            async (h, ct) => await h.Client.GetClientCodeAsync(LongToken, RedirectUri, ct),
            () => GraphTestHost.Json(GraphPayloads.ClientCodeJson),
            r => ((ClientCodeResponse)r).Code == GraphPayloads.ClientCode,
            (r, _, _, v) => CheckCredential(((ClientCodeResponse)r).Code, "the returned client code", v),
            [AppSecret, LongToken, LongTokenProof]),
        new(RedeemClientCode,
            async (h, ct) => await h.Client.RedeemClientCodeAsync(ClientCode, RedirectUri, null, ct),
            () => GraphTestHost.Json(GraphPayloads.Redeemed),
            r => ((LongLivedTokenResponse)r).AccessToken == GraphPayloads.LongLivedToken,
            (r, input, host, v) => CheckToken(((LongLivedTokenResponse)r).AccessToken, ((LongLivedTokenResponse)r).ExpiresIn, ((LongLivedTokenResponse)r).ExpiresAt, input, host, v),
            [AppSecret, ClientCode]),
        new(DebugToken,
            async (h, ct) => await h.Client.DebugTokenAsync(InputToken, ct),
            () => GraphTestHost.Json(GraphPayloads.DebugValid),
            r => r is DebugTokenResponse { IsValid: true, UserId: "1207059" },
            (r, _, _, v) => CheckDebug((DebugTokenResponse)r, "the result", v),
            [AppSecret, AppToken, InputToken]),
        new(GetAppAccessToken,
            async (h, ct) => await h.Client.GetAppAccessTokenAsync(ct),
            () => GraphTestHost.Json(GraphPayloads.AppToken),
            r => ((AccessTokenResponse)r).AccessToken == "138483919580948|appTokenHashPart",
            (r, input, host, v) => CheckToken(((AccessTokenResponse)r).AccessToken, ((AccessTokenResponse)r).ExpiresIn, ((AccessTokenResponse)r).ExpiresAt, input, host, v),
            [AppSecret]),
        new(BatchDebugToken,
            async (h, ct) => await h.Batch.DebugAsync([InputToken, InputToken2], ct),
            () => GraphTestHost.Json(NormalBatch),
            r => r is BatchDebugResult[] { Length: 2 } results && results.All(x => x.Response is { IsValid: true }),
            (r, _, _, v) => CheckBatch((BatchDebugResult[])r, v),
            [AppSecret, AppToken, InputToken, InputToken2]),
    ];

    public static FuzzOperation Get(string name) =>
        All.SingleOrDefault(o => o.Name == name) ?? throw new ArgumentException("No fuzzed operation '" + name + "'.", nameof(name));

    private static void CheckCredential(string? value, string what, List<string> v)
    {
        if (value is null)
        {
            v.Add(what + " is null");
        }
        else if (value.Length == 0 || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            v.Add(what + " is empty or holds white space or control characters: " + FuzzInput.Shorten(value, 40));
        }
    }

    private static void CheckToken(string token, TimeSpan? expiresIn, DateTimeOffset? expiresAt, FuzzInput input, FuzzHost host, List<string> v)
    {
        CheckCredential(token, "the returned access token", v);
        if (expiresIn < TimeSpan.Zero)
        {
            v.Add("the returned ExpiresIn is negative: " + expiresIn.Value.ToString("c", CultureInfo.InvariantCulture));
        }

        // Graph said the token expires now or already did; the record must not say "never expires" without a word.
        if (ReportedExpiresIn(input) is { } seconds && seconds <= 0 && expiresAt is null
            && !host.Telemetry.Logs.Any(l => l.Level >= LogLevel.Warning))
        {
            v.Add($"expires_in {seconds.ToString(CultureInfo.InvariantCulture)} silently became 'never expires' (ExpiresAt null, no warning logged)");
        }
    }

    /// <summary>The <c>expires_in</c> of a text body, when it is a number (or a numeric string) at the top level.</summary>
    private static double? ReportedExpiresIn(FuzzInput input)
    {
        if (input.Body.Kind != FuzzBodyKind.Text || input.Status is < 200 or > 299)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(input.Body.Text!);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("expires_in", out var e))
            {
                return null;
            }

            return e.ValueKind switch
            {
                JsonValueKind.Number => e.GetDouble(),
                JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void CheckPages(List<PageTokenResponse> pages, List<string> v)
    {
        for (var i = 0; i < pages.Count; i++)
        {
            var page = pages[i];
            var what = "page " + i.ToString(CultureInfo.InvariantCulture);
            if (page is null)
            {
                v.Add(what + " is null");
                continue;
            }

            if (string.IsNullOrEmpty(page.Id))
            {
                v.Add(what + " has no id");
            }

            if (page.Name is null)
            {
                v.Add(what + " has a null name");
            }

            // A page Graph lists without a usable token is returned with HasAccessToken false and an empty AccessToken;
            // one that claims a token must carry a usable one.
            if (page.HasAccessToken)
            {
                CheckCredential(page.AccessToken, what + "'s access token", v);
            }
            else if (page.AccessToken is not { Length: 0 })
            {
                v.Add(what + " has HasAccessToken false but a non-empty AccessToken");
            }

            if (page.CategoryList is null || page.CategoryList.Any(c => c is null || c.Id is null || c.Name is null))
            {
                v.Add(what + "'s CategoryList is null or holds a null entry, id or name");
            }

            if (page.Tasks is null || page.Tasks.Any(t => t is null))
            {
                v.Add(what + "'s Tasks is null or holds a null entry");
            }
        }
    }

    private static void CheckDebug(DebugTokenResponse debug, string what, List<string> v)
    {
        if (debug.AppId is null)
        {
            v.Add(what + " has a null AppId");
        }

        if (debug.Scopes is null || debug.Scopes.Any(s => s is null))
        {
            v.Add(what + "'s Scopes is null or holds a null entry");
        }

        if (debug.GranularScopes is null || debug.GranularScopes.Any(g => g is null || g.Scope is null || g.TargetIds is null || g.TargetIds.Any(t => t is null)))
        {
            v.Add(what + "'s GranularScopes is null or holds a null entry, scope or target id");
        }

        if (debug.Error is { Message: null })
        {
            v.Add(what + "'s Error has a null message");
        }
    }

    private static void CheckBatch(BatchDebugResult[] results, List<string> v)
    {
        if (results.Length != 2)
        {
            v.Add("the batch returned " + results.Length.ToString(CultureInfo.InvariantCulture) + " results for 2 tokens");
        }

        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Response is { } response)
            {
                CheckDebug(response, "batch result " + i.ToString(CultureInfo.InvariantCulture), v);
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class FuzzJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
