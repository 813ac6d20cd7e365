using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens.Testing.Tests.Framework;

/// <summary>
/// Stands in for an app's deauthorize and data-deletion callbacks: in memory (a handler for
/// <see cref="GraphTokenEmulatorOptions.CallbackHttpClient"/>, as a TestServer's would be) or on a loopback Kestrel port.
/// Records every form POST and answers with <see cref="Answer"/>.
/// </summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication? _app;

    private CallbackReceiver(Uri baseAddress, HttpClient? client, WebApplication? app)
    {
        BaseAddress = baseAddress;
        Client = client;
        _app = app;
    }

    public Uri BaseAddress { get; }

    /// <summary>The client to give the emulator (in-memory only); null for the loopback receiver.</summary>
    public HttpClient? Client { get; }

    public List<(string Path, string? ContentType, Dictionary<string, string> Form)> Received { get; } = [];

    /// <summary>Status and JSON body every callback answers with.</summary>
    public (HttpStatusCode Status, string Body) Answer { get; set; } = (HttpStatusCode.OK, "{}");

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<CallbackReceiver> StartAsync(HostKind kind)
    {
        if (kind == HostKind.InMemory)
        {
            CallbackReceiver? receiver = null;
            var client = new HttpClient(new Handler(r => receiver!.Record(r)));
            receiver = new CallbackReceiver(new Uri("https://app.example.com/"), client, null);
            return receiver;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CallbackReceiver? self = null;
        app.Run(async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var (status, body) = self!.Record(context.Request.Path.Value!, context.Request.ContentType, form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new CallbackReceiver(new UriBuilder(address) { Host = "127.0.0.1", Path = "/" }.Uri, null, app);
        return self;
    }

    private (HttpStatusCode, string) Record(string path, string? contentType, Dictionary<string, string> form)
    {
        lock (Received)
        {
            Received.Add((path, contentType, form));
        }

        return Answer;
    }

    private async Task<HttpResponseMessage> Record(HttpRequestMessage request)
    {
        var body = await request.Content!.ReadAsStringAsync();
        var form = body.Split('&').Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        var (status, answer) = Record(request.RequestUri!.AbsolutePath, request.Content.Headers.ContentType?.MediaType, form);
        return new HttpResponseMessage(status) { Content = new StringContent(answer, System.Text.Encoding.UTF8, "application/json") };
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private sealed class Handler(Func<HttpRequestMessage, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(request);
    }
}
