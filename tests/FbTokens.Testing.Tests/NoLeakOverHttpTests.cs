using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens.Testing.Tests;

/// <summary>
/// The no-leak guarantee over real HTTP: .NET's own HttpClient diagnostics (the System.Net.Http activity source,
/// meter and EventSources) and IHttpClientFactory's logging, all at their most verbose, never see a secret,
/// a token, a code or a proof — on success and on error paths.
/// </summary>
[Collection(nameof(NoLeakOverHttpTests))]
[CollectionDefinition(nameof(NoLeakOverHttpTests), DisableParallelization = true)]
public sealed class NoLeakOverHttpTests
{
    private static readonly Uri Redirect = new("https://app.example.com/facebook/callback");

    [Fact]
    public async Task Every_operation_over_loopback_leaves_no_secret_in_any_diagnostic()
    {
        using var capture = new ProcessDiagnostics();
        await using var emulator = new GraphTokenEmulator();
        var baseAddress = await emulator.StartServerAsync();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        services.AddFbTokens(o =>
        {
            o.AppId = emulator.DefaultApp.AppId;
            o.AppSecret = emulator.DefaultApp.AppSecret;
            o.GraphBaseAddress = baseAddress;
            o.PageSize = 2;
            o.Resilience.BaseDelay = TimeSpan.Zero;
            o.Resilience.MaxRetryAttempts = 1;
        }).HttpClientBuilder.AddDefaultLogger();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IGraphTokenClient>();
        var user = emulator.CreateTestUser();
        emulator.CreatePages(user.Id, 5);
        var secrets = new List<string> { emulator.DefaultApp.AppSecret, user.AccessToken };

        var code = emulator.CreateAuthorizationCode(user.Id, Redirect);
        secrets.Add(code);
        var shortLived = await client.ExchangeCodeAsync(code, Redirect);
        var longLived = await client.ExchangeForLongLivedTokenAsync(shortLived.AccessToken);
        var pages = await client.GetPageTokensAsync(user.Id, longLived.AccessToken).ToListAsync();
        var clientCode = await client.GetClientCodeAsync(longLived.AccessToken, Redirect);
        var device = await client.RedeemClientCodeAsync(clientCode.Code, Redirect);
        await client.DebugTokenAsync(longLived.AccessToken);
        var app = await client.GetAppAccessTokenAsync();
        secrets.AddRange([shortLived.AccessToken, longLived.AccessToken, clientCode.Code, device.AccessToken, app.AccessToken]);
        secrets.AddRange(pages.Select(p => p.AccessToken));

        // Error paths: a spent code, a dead token, a proxy's HTML page and a transient outage.
        await Assert.ThrowsAsync<GraphApiException>(() => client.ExchangeCodeAsync(code, Redirect));
        emulator.Faults.FailNext(1, EmulatorFault.HtmlBody);
        await Assert.ThrowsAsync<GraphProtocolException>(() => client.DebugTokenAsync(longLived.AccessToken));
        emulator.Faults.FailNext(2, EmulatorFault.ServiceUnavailable);
        await Assert.ThrowsAnyAsync<Exception>(() => client.ExchangeForLongLivedTokenAsync(longLived.AccessToken));
        emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.PasswordChanged);
        await Assert.ThrowsAsync<GraphAuthException>(() => client.GetPageTokensAsync(user.Id, longLived.AccessToken).ToListAsync().AsTask());

        foreach (var token in secrets.Where(s => s.Length > 20).ToList())
        {
            secrets.Add(AppSecretProof(emulator.DefaultApp.AppSecret, token));
        }

        var texts = capture.AllText().ToList();
        Assert.Contains(texts, t => t.Contains("System.Net.Http.HttpClient.FbTokens", StringComparison.Ordinal));
        Assert.Contains(capture.Activities, a => a.Source.Name == "System.Net.Http");
        Assert.Contains(capture.EventSources, s => s == "System.Net.Http");
        foreach (var secret in secrets.Distinct())
        {
            var leak = texts.FirstOrDefault(t => t.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, "A secret leaked: " + leak);
        }
    }

    private static string AppSecretProof(string secret, string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(token)));

    /// <summary>Everything the process emits: logs, activities of every source, measurements, and System.Net EventSource events.</summary>
    private sealed class ProcessDiagnostics : EventListener, ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _texts = new();
        private readonly ActivityListener _activities;
        private readonly MeterListener _meters;

        public ProcessDiagnostics()
        {
            _activities = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    Activities.Add(a);
                    _texts.Enqueue(a.DisplayName + " " + a.StatusDescription);
                    foreach (var tag in a.TagObjects)
                    {
                        _texts.Enqueue(tag.Key + "=" + tag.Value);
                    }
                },
            };
            ActivitySource.AddActivityListener(_activities);
            _meters = new MeterListener { InstrumentPublished = (i, l) => l.EnableMeasurementEvents(i) };
            _meters.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
            _meters.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
            _meters.SetMeasurementEventCallback<int>((i, _, tags, _) => Record(i, tags));
            _meters.Start();
        }

        public ConcurrentBag<Activity> Activities { get; } = [];

        public ConcurrentBag<string> EventSources { get; } = [];

        public string[] AllText() => _texts.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public override void Dispose()
        {
            _activities.Dispose();
            _meters.Dispose();
            base.Dispose();
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name.StartsWith("System.Net", StringComparison.Ordinal))
            {
                EnableEvents(eventSource, EventLevel.Verbose, EventKeywords.All);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            EventSources.Add(eventData.EventSource.Name);
            _texts.Enqueue(eventData.EventName + " " + eventData.Message);
            foreach (var item in eventData.Payload ?? [])
            {
                _texts.Enqueue(item?.ToString() ?? string.Empty);
            }
        }

        private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            _texts.Enqueue(instrument.Meter.Name + " " + instrument.Name);
            foreach (var tag in tags)
            {
                _texts.Enqueue(tag.Key + "=" + tag.Value);
            }
        }

        private sealed class Logger(ProcessDiagnostics owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                owner._texts.Enqueue(category + " scope: " + state);
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                owner._texts.Enqueue(category + ": " + formatter(state, exception) + " " + exception);
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        owner._texts.Enqueue(pair.Key + "=" + pair.Value);
                    }
                }
            }
        }
    }
}
