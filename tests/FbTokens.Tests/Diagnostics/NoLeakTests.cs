using System.Net;
using System.Net.Sockets;
using FbTokens.Tests.Client;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Diagnostics;

/// <summary>
/// The no-leak guarantee: every operation, on success and on every error path, with all log categories at
/// Trace (IHttpClientFactory's own logging included), listeners on every activity source and every meter.
/// No captured text may contain the app secret, a token, a code, an fb_exchange_token value or a proof.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class NoLeakTests
{
    private static readonly Uri Redirect = new("https://app.example.com/cb");

    private static readonly string[] Secrets =
    [
        GraphTestHost.AppSecret,
        ShortLivedToken,
        LongLivedToken,
        PageToken,
        Code,
        ClientCode,
        "138483919580948|appTokenHashPart",
        TokenOperationTests.Proof(LongLivedToken),
        TokenOperationTests.Proof(ShortLivedToken),
    ];

    public enum Scenario
    {
        Success,
        AuthError,
        RateLimit,
        TransientThenGiveUp,
        ProtocolError,
        NetworkError,
        GraphEchoesSecrets,
        GraphEchoesEveryForm,
        GraphEchoesEveryFormWithStatus200,
        TransportExceptionCarriesTheRequest,
    }

    /// <summary>Every form of every secret: raw, URL-encoded (both cases, form encoding) and JSON-escaped.</summary>
    private static readonly string[] SecretForms = Secrets.SelectMany(SensitiveValuesTests.Forms).Distinct().ToArray();

    [Theory]
    [InlineData(Scenario.Success)]
    [InlineData(Scenario.AuthError)]
    [InlineData(Scenario.RateLimit)]
    [InlineData(Scenario.TransientThenGiveUp)]
    [InlineData(Scenario.ProtocolError)]
    [InlineData(Scenario.NetworkError)]
    [InlineData(Scenario.GraphEchoesSecrets)]
    [InlineData(Scenario.GraphEchoesEveryForm)]
    [InlineData(Scenario.GraphEchoesEveryFormWithStatus200)]
    [InlineData(Scenario.TransportExceptionCarriesTheRequest)]
    public async Task No_secret_reaches_logs_traces_metrics_or_exceptions(Scenario scenario)
    {
        using var capture = new TelemetryCapture();
        using var host = new GraphTestHost(
            o => o.Resilience.MaxRetryAttempts = 2,
            fb =>
            {
                fb.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));

                // FbTokens removes IHttpClientFactory's request logging; a host may add it back, and it must not leak either.
                fb.HttpClientBuilder.AddDefaultLogger();
            });
        Answer(host, scenario);
        var client = host.Client;
        var exceptions = new List<string>();

        foreach (var operation in new Func<Task>[]
        {
            () => client.ExchangeCodeAsync(Code, Redirect),
            () => client.ExchangeForLongLivedTokenAsync(ShortLivedToken),
            () => client.GetPageTokensAsync("1207059", LongLivedToken).ToListAsync().AsTask(),
            () => client.GetClientCodeAsync(LongLivedToken, Redirect),
            () => client.RedeemClientCodeAsync(ClientCode, Redirect, "machine-1"),
            () => client.DebugTokenAsync(LongLivedToken),
            () => client.GetAppAccessTokenAsync(),
        })
        {
            try
            {
                await operation();
            }
            catch (Exception ex)
            {
                exceptions.Add(ex.ToString());
                exceptions.Add(ex is GraphApiException g ? g.Error.ToString() : string.Empty);
            }
        }

        // IHttpClientFactory's own logger, which a host may add back, sits right on the transport and logs its
        // exception before FbTokens sees it: a proxy that writes the URI into it is out of FbTokens' reach there.
        var logs = scenario == Scenario.TransportExceptionCarriesTheRequest
            ? capture.AllText().Except(capture.Logs.Where(l => l.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal)).SelectMany(FactoryLogText))
            : capture.AllText();
        var captured = logs.Concat(exceptions).ToList();
        Assert.NotEmpty(capture.Logs);
        Assert.NotEmpty(capture.Activities);
        Assert.NotEmpty(capture.Measurements);
        Assert.Contains(capture.Logs, l => l.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.Equal(scenario == Scenario.Success, exceptions.Count == 0);
        foreach (var secret in SecretForms)
        {
            var leak = captured.FirstOrDefault(text => text.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"A secret leaked in scenario {scenario}: {leak}");
        }
    }

    private static IEnumerable<string> FactoryLogText(CapturedLog log) =>
        new[] { log.Category, log.Message }.Concat(log.StateText).Concat(log.Exception is null ? [] : [log.Exception]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_authorization_header_is_logged_redacted_even_when_the_host_redacts_other_headers(bool hostRedactsOnlyItsOwnHeader)
    {
        using var capture = new TelemetryCapture();
        using var host = new GraphTestHost(builder: fb =>
        {
            fb.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
            fb.HttpClientBuilder.AddDefaultLogger();
            if (hostRedactsOnlyItsOwnHeader)
            {
                // This replaces the factory's redact-everything default: every other header would be printed.
                fb.HttpClientBuilder.RedactLoggedHeaders(["X-Host-Secret"]);
            }
        });
        host.On(HttpMethod.Get, "1207059/accounts", Accounts([Page]));
        host.On(HttpMethod.Get, "debug_token", DebugValid);

        await host.Client.GetPageTokensAsync("1207059", LongLivedToken).ToListAsync();
        await host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(["Bearer " + LongLivedToken, "Bearer " + GraphTestHost.AppId + "|" + GraphTestHost.AppSecret], host.Requests.Select(r => r.Authorization));
        var headerLines = capture.Logs.Where(l => l.Message.Contains("Authorization:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(headerLines);
        Assert.All(headerLines, l => Assert.Contains("Authorization: *", l.Message, StringComparison.Ordinal));
        foreach (var secret in Secrets.Append(GraphTestHost.AppId + "|" + GraphTestHost.AppSecret))
        {
            Assert.DoesNotContain(capture.AllText(), text => text.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static void Answer(GraphTestHost host, Scenario scenario)
    {
        if (scenario == Scenario.NetworkError)
        {
            // Thrown synchronously, as a socket failure is (MockHttp hangs on a faulted response task).
            host.Intercept = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
            return;
        }

        if (scenario == Scenario.TransportExceptionCarriesTheRequest)
        {
            host.Intercept = async (request, ct) =>
            {
                var text = "proxy: upstream refused " + request.RequestUri!.AbsoluteUri + " " + (request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(ct));
                throw new HttpRequestException(HttpRequestError.ProxyTunnelError, text, new IOException(text), HttpStatusCode.BadGateway);
            };
            return;
        }

        Func<CapturedRequest, HttpResponseMessage> respond = scenario switch
        {
            Scenario.Success => request => GraphTestHost.Json(SuccessFor(request)),
            Scenario.AuthError => _ => GraphTestHost.Json(Error(190, 463), HttpStatusCode.BadRequest),
            Scenario.RateLimit => _ => GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest),
            Scenario.TransientThenGiveUp => _ => GraphTestHost.Json(Error(2, transient: true), HttpStatusCode.ServiceUnavailable),
            Scenario.ProtocolError => _ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>proxy error</html>") },
            Scenario.NetworkError => _ => throw new InvalidOperationException("answered by Intercept"),
            Scenario.GraphEchoesSecrets => request => GraphTestHost.Json(
                Error(100, message: "Bad request: " + string.Join(" ", request.Parameters.Values)), HttpStatusCode.BadRequest),
            Scenario.GraphEchoesEveryForm => request => EchoEveryForm(request, HttpStatusCode.BadRequest),
            Scenario.GraphEchoesEveryFormWithStatus200 => request => EchoEveryForm(request, HttpStatusCode.OK),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        foreach (var (method, path) in new[] { (HttpMethod.Post, "oauth/access_token"), (HttpMethod.Post, "oauth/client_code"), (HttpMethod.Get, "1207059/accounts"), (HttpMethod.Get, "debug_token") })
        {
            host.On(method, path, respond);
        }
    }

    /// <summary>
    /// An error that echoes every parameter of the request, in every form, in every field Graph fills and in the
    /// <c>WWW-Authenticate</c> and <c>x-fb-trace-id</c> headers; with HTTP 200 the body has no fbtrace_id, so the
    /// header is the one taken.
    /// </summary>
    private static HttpResponseMessage EchoEveryForm(CapturedRequest request, HttpStatusCode status)
    {
        var echo = string.Join(" ", request.Parameters.Values.Concat([request.Url.AbsoluteUri, request.Body]).SelectMany(SensitiveValuesTests.Forms));
        var error = new Dictionary<string, object>
        {
            ["message"] = "Bad request: " + echo,
            ["type"] = "OAuthException " + echo,
            ["code"] = 190,
            ["error_subcode"] = 463,
            ["error_user_title"] = echo,
            ["error_user_msg"] = echo,
            ["error_data"] = new Dictionary<string, string> { ["echo"] = echo },
        };
        if (status != HttpStatusCode.OK)
        {
            error["fbtrace_id"] = "T" + echo;
        }

        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["error"] = error });
        var response = GraphTestHost.Json(body, status);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", "OAuth \"Facebook Platform\" \"invalid_token\" \"" + echo + "\"");
        response.Headers.TryAddWithoutValidation("x-fb-trace-id", "T" + echo);
        return response;
    }

    private static string SuccessFor(CapturedRequest request) => request.Url.AbsolutePath switch
    {
        var p when p.EndsWith("/oauth/client_code", StringComparison.Ordinal) => ClientCodeJson,
        var p when p.EndsWith("/accounts", StringComparison.Ordinal) => Accounts([Page]),
        var p when p.EndsWith("/debug_token", StringComparison.Ordinal) => DebugValid,
        _ when request.Form.GetValueOrDefault("grant_type") == "client_credentials" => AppToken,
        _ when request.Form.ContainsKey("machine_id") => Redeemed,
        _ when request.Form.ContainsKey("code") => UserToken,
        _ => LongLived,
    };
}
