using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// FbTokens with its real pipeline over a <see cref="FuzzGraphHandler"/>, on a fake clock, capturing every log entry,
/// span and metric. Tuned so that no generated header can make a call wait: retries have no backoff, and any wait a
/// header asks for is at least the 1 ms operation budget (which the fake clock never reaches on its own), so it
/// surfaces at once; usage throttling fails fast. One retry, and a circuit that opens after two failed attempts: a
/// failing operation still surfaces its own error (not BrokenCircuitException, which would hide what the error
/// says), and the later well-formed call exercises recovery from an open circuit. The clock moves only when the runner advances it.
/// </summary>
internal sealed class FuzzHost : IDisposable
{
    public const string AppId = "138483919580948";
    public const string AppSecret = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    public const string AppToken = AppId + "|" + AppSecret;

    // Tokens and codes with characters that URL- and JSON-encode differently, so that encoded echoes are told apart.
    public const string Code = "AQB0z1SN+yYEaF/6FjFk=Ls-vNSzOS64EjVRilEQX_R6ub";
    public const string ClientCode = "AQC1fuzz+Client/Code=0123456789abcdefghij";
    public const string ShortToken = "EAAGfuzz+Short/Token=0123456789abcdefXYZ";
    public const string LongToken = "EAAGfuzz+Long/Token=0123456789abcdefghijkXYZ";
    public const string InputToken = "EAAGfuzz+Input/Token=0123456789abcdefXYZ";
    public const string InputToken2 = "EAAGfuzz+Input2/Token=0123456789abcdefXYZ";
    public const string UserId = "1207059";

    public static readonly Uri RedirectUri = new("https://app.example.com/fb/callback");

    public static readonly string LongTokenProof = Proof(LongToken);

    /// <summary>Every value the client may send as a credential.</summary>
    public static readonly IReadOnlySet<string> OwnCredentials = new HashSet<string>(StringComparer.Ordinal)
    {
        AppSecret, AppToken, Code, ClientCode, ShortToken, LongToken, InputToken, InputToken2,
        LongTokenProof, Proof(ShortToken), Proof(InputToken), Proof(InputToken2),
    };

    public FuzzHost(FuzzGraphHandler handler)
    {
        Handler = handler;
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(l => l.AddProvider(Telemetry).SetMinimumLevel(LogLevel.Trace));
        var fb = services.AddFbTokens(o =>
        {
            o.AppId = AppId;
            o.AppSecret = AppSecret;
            o.Resilience.BaseDelay = TimeSpan.Zero;
            o.Resilience.UseJitter = false;
            o.Resilience.MaxRetryAttempts = 1;
            o.Resilience.AttemptTimeout = TimeSpan.FromMilliseconds(1);
            o.Resilience.TotalTimeout = TimeSpan.FromMilliseconds(1);
            o.Resilience.MaxUsageThrottleDelay = TimeSpan.Zero;
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
            o.Limits.MaxPages = 25;
            o.Limits.MaxConsecutiveEmptyPages = 3;
            o.Limits.MaxSeenPageLinks = 100;
        });
        fb.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => handler);
        services.AddSingleton<GraphBatchDebugClient>();
        Services = services.BuildServiceProvider();
    }

    public FuzzGraphHandler Handler { get; }

    public FakeTimeProvider Time { get; } = new(GraphTestHost.Start);

    public TelemetryCapture Telemetry { get; } = new();

    public ServiceProvider Services { get; }

    public IGraphTokenClient Client => Services.GetRequiredService<IGraphTokenClient>();

    public GraphBatchDebugClient Batch => Services.GetRequiredService<GraphBatchDebugClient>();

    public static string Proof(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret), Encoding.UTF8.GetBytes(token)));

    /// <summary>The forms in which <paramref name="secret"/> must never appear: raw, URL-encoded (both hex cases, both space styles) and JSON-escaped.</summary>
    public static IEnumerable<string> Forms(string secret)
    {
        var escaped = Uri.EscapeDataString(secret);
        return new[]
        {
            secret,
            escaped,
            LowerHex(escaped),
            WebUtility.UrlEncode(secret),
            JsonEncodedText.Encode(secret).ToString(),
            JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
        }.Distinct(StringComparer.Ordinal);
    }

    private static string LowerHex(string escaped)
    {
        var chars = escaped.ToCharArray();
        for (var i = 0; i + 2 < chars.Length; i++)
        {
            if (chars[i] == '%')
            {
                chars[i + 1] = char.ToLowerInvariant(chars[i + 1]);
                chars[i + 2] = char.ToLowerInvariant(chars[i + 2]);
            }
        }

        return new string(chars);
    }

    public void Dispose()
    {
        Services.Dispose();
        Telemetry.Dispose();
    }
}
