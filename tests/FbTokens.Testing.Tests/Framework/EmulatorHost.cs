using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests.Framework;

/// <summary>Where the emulator under test runs: the same scenarios run against both hosts.</summary>
public enum HostKind
{
    InMemory,
    Kestrel,
}

/// <summary>An emulator on a fake clock, with a raw <see cref="HttpClient"/> to talk to it through the chosen host.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    public static readonly Uri RedirectUri = new("https://app.example.com/auth/callback");

    private EmulatorHost(GraphTokenEmulator emulator, FakeTimeProvider time, HttpClient http)
    {
        Emulator = emulator;
        Time = time;
        Http = http;
    }

    public GraphTokenEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public EmulatedApp App => Emulator.DefaultApp;

    public static async Task<EmulatorHost> StartAsync(HostKind kind, Action<GraphTokenEmulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new GraphTokenEmulatorOptions();
        configure?.Invoke(options);
        var emulator = new GraphTokenEmulator(time, options);
        HttpClient http;
        if (kind == HostKind.Kestrel)
        {
            var baseAddress = await emulator.StartServerAsync();
            // Graph never redirects; the Login dialog does, to the app, which tests read from Location instead of following.
            http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        }
        else
        {
            http = new HttpClient(emulator.CreateHttpMessageHandler()) { BaseAddress = GraphTokenEmulator.InMemoryBaseAddress };
        }

        return new EmulatorHost(emulator, time, http);
    }

    public Task<GraphResult> GetAsync(string path, params (string Name, string Value)[] query) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path + "?" + Encode(query)));

    public Task<GraphResult> PostFormAsync(string path, params (string Name, string Value)[] form) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        });

    public async Task<GraphResult> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return new GraphResult(response.StatusCode, body, response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), response.Content.Headers.ContentType?.MediaType);
        }
    }

    /// <summary>A fresh user with a long-lived token, via the real exchange endpoint.</summary>
    public async Task<(EmulatedUser User, string LongLived)> CreateUserWithLongLivedTokenAsync()
    {
        var user = Emulator.CreateTestUser();
        var result = await PostFormAsync("v24.0/oauth/access_token",
            ("grant_type", "fb_exchange_token"), ("client_id", App.AppId), ("client_secret", App.AppSecret), ("fb_exchange_token", user.AccessToken));
        Assert.Equal(HttpStatusCode.OK, result.Status);
        return (user, result.Json.GetProperty("access_token").GetString()!);
    }

    public static string Encode((string Name, string Value)[] parameters) =>
        string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}

internal sealed record GraphResult(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers, string? MediaType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public JsonElement Error => Json.GetProperty("error");

    public int ErrorCode => Error.GetProperty("code").GetInt32();

    public int? ErrorSubcode => Error.TryGetProperty("error_subcode", out var s) ? s.GetInt32() : null;
}
