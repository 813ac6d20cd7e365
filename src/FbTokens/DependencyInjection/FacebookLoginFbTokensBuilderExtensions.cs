using FbTokens.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>Registers the Facebook Login dialog URL builder.</summary>
public static class FacebookLoginFbTokensBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IFacebookLoginUrlBuilder"/> (a singleton) with <see cref="FacebookLoginOptions"/> validated at
    /// start-up. On a named app's builder both are that app's: the builder keyed by the app's name, the options named so.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddFbTokens</c>.</param>
    /// <param name="configure">Sets the options; null keeps the defaults.</param>
    /// <returns>The same builder.</returns>
    public static IFbTokensBuilder AddFacebookLogin(this IFbTokensBuilder builder, Action<FacebookLoginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<FacebookLoginOptions>(FbTokensApps.OptionsName(builder.AppName)).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(builder);
    }

    /// <summary>
    /// Registers <see cref="IFacebookLoginUrlBuilder"/> with options bound from a configuration section (keys
    /// <c>DialogBaseAddress</c>, <c>StateLifetime</c>), validated at start-up. <c>AddFbTokens(IConfiguration)</c>
    /// already binds its <c>Login</c> child; use this overload for another section. Validation messages name its keys.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddFbTokens</c>.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns>The same builder.</returns>
    public static IFbTokensBuilder AddFacebookLogin(this IFbTokensBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var name = FbTokensApps.OptionsName(builder.AppName);
        builder.Services.AddOptions<FacebookLoginOptions>(name).Bind(section).ValidateOnStart();
        OptionsConfigurationPath<FacebookLoginOptions>.Register(builder.Services, name, section);
        return AddCore(builder);
    }

    private static IFbTokensBuilder AddCore(IFbTokensBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FacebookLoginOptions>, FacebookLoginOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (builder.AppName is { } app)
        {
            NamedAppRegistrations.AddFacebookLogin(builder.Services, app);
        }
        else
        {
            builder.Services.TryAddSingleton<IFacebookLoginUrlBuilder, FacebookLoginUrlBuilder>();
        }

        return builder;
    }
}
