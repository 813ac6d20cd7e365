using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens.Testing.Internal;

/// <summary>The loopback host: a minimal Kestrel app that hands every request to the engine.</summary>
internal sealed class KestrelGraphHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelGraphHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<KestrelGraphHost> StartAsync(EmulatorEngine engine, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });

        // Request logs would carry tokens and secrets in URLs: the emulator logs nothing.
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        app.Run(context => HandleAsync(engine, context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var uri = new UriBuilder(address) { Host = "127.0.0.1", Path = "/" }.Uri;
        return new KestrelGraphHost(app, uri);
    }

    private static async Task HandleAsync(EmulatorEngine engine, HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        // The raw target keeps the query exactly as sent, so both hosts parse the same text.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        var url = new Uri($"{request.Scheme}://{request.Host}{rawTarget}", UriKind.Absolute);
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        var form = HostAdapter.ParseForm(mediaType, body);

        EmulatorResponse result;
        try
        {
            var emulatorRequest = new EmulatorRequest(request.Method, url, form, request.Headers.Authorization.FirstOrDefault());
            result = engine.Options.EnableAdminRoutes && request.Path.StartsWithSegments("/_emulator", StringComparison.Ordinal)
                ? await AdminRoutes.HandleAsync(engine, emulatorRequest, context.Connection.RemoteIpAddress, context.RequestAborted).ConfigureAwait(false)
                : await engine.HandleAsync(emulatorRequest, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // The client went away during an injected delay.
        }

        if (result.ResetConnection)
        {
            context.Abort();
            return;
        }

        var response = context.Response;
        response.StatusCode = result.StatusCode;
        response.ContentType = result.ContentType;
        foreach (var (name, value) in result.Headers)
        {
            response.Headers.Append(name, value);
        }

        response.ContentLength = result.Body.Length;
        await response.Body.WriteAsync(result.Body, context.RequestAborted).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
