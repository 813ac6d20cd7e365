using FbTokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Framework;

/// <summary>A service provider with FbTokens registered over a MockHttp handler and a fake clock.</summary>
internal sealed class GraphTestHost : IDisposable
{
    public const string AppId = "138483919580948";
    public const string AppSecret = "s3cr3t-app-secret-0123456789abcdef";
    public const string Version = "v24.0";
    public const string Base = "https://graph.facebook.com/" + Version + "/";

    public static readonly DateTimeOffset Start = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public GraphTestHost(Action<FbTokensOptions>? configure = null, Action<IFbTokensBuilder>? builder = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        var fb = services.AddFbTokens(o =>
        {
            o.AppId = AppId;
            o.AppSecret = AppSecret;
            o.Resilience.BaseDelay = TimeSpan.Zero;
            o.Resilience.UseJitter = false;
            configure?.Invoke(o);
        });
        fb.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => new InterceptingHandler(this));
        builder?.Invoke(fb);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public MockHttpMessageHandler Mock { get; } = new();

    /// <summary>When set, answers every request instead of <see cref="Mock"/>, with the request's cancellation token.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? Intercept { get; set; }

    public FakeTimeProvider Time { get; } = new(Start);

    public ServiceProvider Services { get; }

    public IGraphTokenClient Client => Services.GetRequiredService<IGraphTokenClient>();

    /// <summary>Every request the client sent, as seen by the handler (bodies read eagerly).</summary>
    public List<CapturedRequest> Requests { get; } = [];

    /// <summary>Answers requests to <paramref name="path"/> with <paramref name="respond"/>, recording each one.</summary>
    public void On(HttpMethod method, string path, Func<CapturedRequest, HttpResponseMessage> respond) =>
        Mock.When(method, Base + path).Respond(async request =>
        {
            var captured = await CapturedRequest.FromAsync(request);
            lock (Requests)
            {
                Requests.Add(captured);
            }

            return respond(captured);
        });

    public void On(HttpMethod method, string path, string json, System.Net.HttpStatusCode status = System.Net.HttpStatusCode.OK) =>
        On(method, path, _ => Json(json, status));

    /// <summary>
    /// Makes the first <paramref name="hanging"/> requests hang until their cancellation token fires (an attempt
    /// timeout, the operation's deadline, the caller); later ones get <paramref name="answer"/> (a valid
    /// <c>debug_token</c> answer by default).
    /// </summary>
    public HangingRequests HangRequests(int hanging = int.MaxValue, Func<HttpResponseMessage>? answer = null)
    {
        var requests = new HangingRequests();
        Intercept = async (_, ct) =>
        {
            if (requests.Start() <= hanging)
            {
                requests.Entered.Release();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return answer?.Invoke() ?? Json(GraphPayloads.DebugValid);
        };
        return requests;
    }

    public static HttpResponseMessage Json(string json, System.Net.HttpStatusCode status = System.Net.HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

    public void Dispose()
    {
        // Polly waits for calls still in flight before it disposes a pipeline, on the pipeline's clock: after a test
        // that failed with a call pending, that is the fake clock, so it is moved on until the wait ends (bounded in
        // real time) and the test fails instead of hanging. A test that finished its calls disposes at once.
        var disposing = Task.Run(Services.Dispose);
        for (var step = 0; step < 600 && !disposing.Wait(TimeSpan.FromMilliseconds(50)); step++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        Mock.Dispose();
    }
}

/// <summary>The requests <see cref="GraphTestHost.HangRequests"/> answers: how many came, and a signal per hang.</summary>
internal sealed class HangingRequests
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public SemaphoreSlim Entered { get; } = new(0);

    public int Start() => Interlocked.Increment(ref _calls);

    /// <summary>Waits until one more request is hanging (bounded in real time, so a broken test fails, not hangs).</summary>
    public async Task NextHangAsync() =>
        Assert.True(await Entered.WaitAsync(TimeSpan.FromSeconds(30)), "no further request reached the handler");
}

internal sealed class InterceptingHandler(GraphTestHost host) : DelegatingHandler(host.Mock)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        host.Intercept is { } intercept ? intercept(request, cancellationToken) : base.SendAsync(request, cancellationToken);
}

/// <summary>What a request carried: method, URL, query and form parameters, and its Authorization header.</summary>
internal sealed record CapturedRequest(HttpMethod Method, Uri Url, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Form, string Body)
{
    /// <summary>The Authorization header as sent (<c>Bearer …</c>), or null.</summary>
    public string? Authorization { get; init; }

    /// <summary>Query and form parameters together.</summary>
    public IReadOnlyDictionary<string, string> Parameters =>
        Query.Concat(Form).ToDictionary(kv => kv.Key, kv => kv.Value);

    public static async Task<CapturedRequest> FromAsync(HttpRequestMessage request)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync();
        var form = request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded" ? Parse(body) : new Dictionary<string, string>();
        return new CapturedRequest(request.Method, request.RequestUri!, Parse(request.RequestUri!.Query), form, body)
        {
            Authorization = request.Headers.Authorization?.ToString(),
        };
    }

    private static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>();
        foreach (var part in text.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            result[Uri.UnescapeDataString(part[..eq].Replace('+', ' '))] = Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
        }

        return result;
    }
}
