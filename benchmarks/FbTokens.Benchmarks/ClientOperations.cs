using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// The three calls every client benchmark compares — a long-lived token exchange, a <c>debug_token</c> and one
/// 100-entry <c>/accounts</c> page — run the same way on the hand-written client and on <see cref="IGraphTokenClient"/>.
/// </summary>
internal static class ClientOperations
{
    public const string Exchange = "LongLivedExchange";
    public const string Debug = "DebugToken";
    public const string Accounts = "AccountsPage100";

    public static Task<object> Run(HandWrittenGraphClient client, string operation, string userId, string userToken) => operation switch
    {
        Exchange => Box(client.ExchangeAsync(userToken)),
        Debug => Box(client.DebugAsync(userToken)),
        _ => Box(client.AccountsPageAsync(userId, userToken)),
    };

    public static Task<object> Run(IGraphTokenClient client, string operation, string userId, string userToken) => operation switch
    {
        Exchange => Box(client.ExchangeForLongLivedTokenAsync(userToken)),
        Debug => Box(client.DebugTokenAsync(userToken)),
        _ => Box(ReadAllAsync(client, userId, userToken)),
    };

    /// <summary>Throws unless <paramref name="result"/> is what <paramref name="operation"/> should give: run once in set-up, so a dry run proves both rows work.</summary>
    public static void Check(object result, string operation)
    {
        var ok = operation switch
        {
            Exchange => result is LongLivedTokenResponse { AccessToken.Length: > 0 },
            Debug => result is DebugTokenResponse { IsValid: true },
            _ => result is List<PageTokenResponse> { Count: 100 },
        };
        if (!ok)
        {
            throw new InvalidOperationException($"{operation} gave {result}, not the expected answer.");
        }
    }

    /// <summary>FbTokens registered with the app of <see cref="CannedGraph"/>, answered by <see cref="CannedHandler"/>.</summary>
    public static ServiceProvider CannedFbTokens(Action<IFbTokensBuilder> configure)
    {
        var services = new ServiceCollection();
        var fb = services.AddFbTokens(o =>
        {
            o.AppId = CannedGraph.AppId;
            o.AppSecret = CannedGraph.AppSecret;
        });
        fb.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        configure(fb);
        return services.BuildServiceProvider();
    }

    private static async Task<List<PageTokenResponse>> ReadAllAsync(IGraphTokenClient client, string userId, string userToken)
    {
        var pages = new List<PageTokenResponse>(100);
        await foreach (var page in client.GetPageTokensAsync(userId, userToken).ConfigureAwait(false))
        {
            pages.Add(page);
        }

        return pages;
    }

    private static async Task<object> Box<T>(Task<T> task) => (await task.ConfigureAwait(false))!;
}
