using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// The conventions of a host that serves several Facebook apps. The unnamed app (<c>AddFbTokens(options)</c>) keeps its
/// unkeyed services, unnamed options and the <c>FbTokens</c> client; a named app (<c>AddFbTokens("name", …)</c>) has
/// keyed services (key: its name), named options, the <c>FbTokens:{name}</c> client and the <c>FbTokens:Apps:{name}</c>
/// configuration section. Everything here runs while services are registered or built, never per call.
/// </summary>
internal static class FbTokensApps
{
    /// <summary>The child of the FbTokens section that holds one section per named app.</summary>
    public const string AppsSectionName = "Apps";

    /// <summary>The conventional FbTokens section.</summary>
    public const string SectionName = "FbTokens";

    /// <summary>Throws unless <paramref name="name"/> can name an app: not empty or blank, without <c>:</c>.</summary>
    public static void CheckName(string name, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, paramName);
        if (name.Contains(':', StringComparison.Ordinal) || name.Trim().Length != name.Length)
        {
            throw new ArgumentException("An app name must not contain ':' (the configuration key separator) nor start or end with white space.", paramName);
        }
    }

    /// <summary>The options name of the app: <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> for the unnamed app.</summary>
    public static string OptionsName(string? app) => app ?? Microsoft.Extensions.Options.Options.DefaultName;

    /// <summary>The name of the app's <see cref="HttpClient"/>: <c>FbTokens</c>, or <c>FbTokens:{name}</c>.</summary>
    public static string HttpClientName(string? app) =>
        app is null ? FbTokensServiceCollectionExtensions.HttpClientName : FbTokensServiceCollectionExtensions.HttpClientName + ":" + app;

    /// <summary>
    /// The conventional configuration path of the options named <paramref name="optionsName"/>: <c>FbTokens</c> or
    /// <c>FbTokens:Apps:{name}</c>, then <c>:{child}</c> when given.
    /// </summary>
    public static string ConventionalPath(string? optionsName, string? child)
    {
        var app = optionsName is null || optionsName == Microsoft.Extensions.Options.Options.DefaultName
            ? SectionName
            : string.Concat(SectionName, ConfigurationPath.KeyDelimiter, AppsSectionName, ConfigurationPath.KeyDelimiter, optionsName);
        return child is null ? app : app + ConfigurationPath.KeyDelimiter + child;
    }

    /// <summary>The app's service: unkeyed for the unnamed app, keyed by its name otherwise.</summary>
    public static T Get<T>(IServiceProvider services, string? app)
        where T : notnull =>
        app is null ? services.GetRequiredService<T>() : services.GetRequiredKeyedService<T>(app);

    /// <summary>The app's service if registered: unkeyed for the unnamed app, keyed by its name otherwise.</summary>
    public static T? GetOptional<T>(IServiceProvider services, string? app)
        where T : class =>
        app is null ? services.GetService<T>() : services.GetKeyedService<T>(app);

    /// <summary>The app's <typeparamref name="TOptions"/> (validated when first read).</summary>
    public static IOptions<TOptions> OptionsOf<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IServiceProvider services, string? app)
        where TOptions : class =>
        app is null
            ? services.GetRequiredService<IOptions<TOptions>>()
            : Microsoft.Extensions.Options.Options.Create(services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(app));

    /// <summary>
    /// The app's token store: a named app's own (an <see cref="ITokenStore"/> keyed by its name) when it has one, else
    /// the store every app shares, where <see cref="TokenKey.AppId"/> keeps the apps apart.
    /// </summary>
    public static ITokenStore Store(IServiceProvider services, string? app) =>
        (app is null ? null : services.GetKeyedService<ITokenStore>(app)) ?? services.GetRequiredService<ITokenStore>();
}

/// <summary>Records, once per app, that a feature was registered for it (so registering it again adds nothing).</summary>
/// <param name="Feature">The feature.</param>
/// <param name="App">The app's name; null for the unnamed app.</param>
internal sealed record FbTokensFeatureMarker(string Feature, string? App)
{
    public const string Client = "client";
    public const string TokenManager = "token-manager";
    public const string Sweep = "sweep";
    public const string Login = "login";

    /// <summary>Adds the marker; false when it was there already.</summary>
    public static bool TryAdd(IServiceCollection services, string feature, string? app)
    {
        var marker = new FbTokensFeatureMarker(feature, app);
        if (services.Any(d => d.ServiceType == typeof(FbTokensFeatureMarker) && !d.IsKeyedService && marker.Equals(d.ImplementationInstance)))
        {
            return false;
        }

        services.AddSingleton(marker);
        return true;
    }
}
