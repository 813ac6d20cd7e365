namespace FbTokens;

/// <summary>
/// Tells the handler added by <see cref="GraphAccessTokenHttpClientBuilderExtensions.AddGraphAccessTokenHandler"/> which
/// token a Graph request needs.
/// </summary>
public static class GraphTokenHttpRequestMessageExtensions
{
    /// <summary>The request option that names the token to attach.</summary>
    public static HttpRequestOptionsKey<TokenKey> TokenKeyOption { get; } = new("FbTokens.TokenKey");

    /// <summary>Asks the Graph access-token handler to attach the token stored under <paramref name="key"/>.</summary>
    /// <param name="request">The request to a Graph endpoint.</param>
    /// <param name="key">The user, page, app or system-user token to attach.</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage WithGraphToken(this HttpRequestMessage request, TokenKey key)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        request.Options.Set(TokenKeyOption, key);
        return request;
    }
}
