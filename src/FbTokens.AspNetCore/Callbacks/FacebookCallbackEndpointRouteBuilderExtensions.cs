using FbTokens.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens;

/// <summary>Facebook's deauthorize and data-deletion callbacks, verified with the app secret.</summary>
public static class FacebookCallbackEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {pattern}</c>, the Deauthorize Callback URL of the app's Facebook Login settings: verifies the form's
    /// <c>signed_request</c> (<see cref="FacebookSignedRequest.Parse(string?, string, TimeProvider, TimeSpan)"/> with
    /// <see cref="FbTokensOptions.AppSecret"/> and <see cref="FacebookSignedRequest.DefaultMaxAge"/>), then marks every
    /// stored token of that user invalid with <see cref="TokenErrorReason.AppNotInstalled"/>
    /// (<see cref="IGraphTokenManager.InvalidateUserAsync"/>, which raises the per-user re-login notice) and answers 200.
    /// A missing or bad signature, an old request or no user id answers 400 and changes nothing; a store failure answers 503.
    /// Needs <c>AddFbTokens(...).AddTokenManager()</c>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The callback's path, e.g. <c>/facebook/deauthorize</c>.</param>
    /// <returns>The endpoint's builder.</returns>
    public static IEndpointConventionBuilder MapFacebookDeauthorizeCallback(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        return endpoints.MapPost(pattern, FacebookCallbackEndpoints.DeauthorizeAsync)
            .WithDisplayName("Facebook deauthorize callback")
            .DisableAntiforgery();
    }

    /// <summary>
    /// Maps <c>POST {pattern}</c>, the Data Deletion Request URL App Review asks for: verifies the <c>signed_request</c> as
    /// <see cref="MapFacebookDeauthorizeCallback"/> does, removes every stored token of that user
    /// (<see cref="IGraphTokenManager.RemoveUserTokensAsync"/>), keeps a confirmation record
    /// (<see cref="IFacebookDataDeletionStore"/>; in memory unless one is registered) and answers as Meta requires:
    /// <c>{ "url": "&lt;absolute status URL&gt;", "confirmation_code": "&lt;code&gt;" }</c>. And <c>GET {statusPattern}?code=…</c>, the
    /// status page that URL points at (404 for an unknown code). Bad requests answer 400 and change nothing.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The callback's path, e.g. <c>/facebook/data-deletion</c>.</param>
    /// <param name="statusPattern">The status page's literal path, e.g. <c>/facebook/data-deletion/status</c>.</param>
    /// <returns>The builder of both endpoints.</returns>
    public static IEndpointConventionBuilder MapFacebookDataDeletionCallback(this IEndpointRouteBuilder endpoints, string pattern, string statusPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        ArgumentException.ThrowIfNullOrWhiteSpace(statusPattern);
        var statusPath = "/" + statusPattern.Trim().Trim('/');
        if (statusPath.IndexOfAny(['{', '}', '*', '?', '#', '\\']) >= 0)
        {
            throw new ArgumentException("The status path must be a literal path such as /facebook/data-deletion/status.", nameof(statusPattern));
        }

        var store = endpoints.ServiceProvider.GetService<IFacebookDataDeletionStore>() ?? new InMemoryFacebookDataDeletionStore();
        var group = endpoints.MapGroup(string.Empty);
        group.MapPost(pattern, context => FacebookCallbackEndpoints.DataDeletionAsync(context, store, statusPath))
            .WithDisplayName("Facebook data-deletion callback")
            .DisableAntiforgery();
        group.MapGet(statusPath, context => FacebookCallbackEndpoints.StatusAsync(context, store))
            .WithDisplayName("Facebook data-deletion status");
        return group;
    }
}
