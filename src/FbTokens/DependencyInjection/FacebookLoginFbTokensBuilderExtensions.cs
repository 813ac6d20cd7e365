using FbTokens.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>Registers the Facebook Login dialog URL builder.</summary>
public static class FacebookLoginFbTokensBuilderExtensions
{
    /// <summary>Registers <see cref="IFacebookLoginUrlBuilder"/> (a singleton) with <see cref="FacebookLoginOptions"/> validated at start-up.</summary>
    /// <param name="builder">The builder returned by <c>AddFbTokens</c>.</param>
    /// <param name="configure">Sets the options; null keeps the defaults.</param>
    /// <returns>The same builder.</returns>
    public static IFbTokensBuilder AddFacebookLogin(this IFbTokensBuilder builder, Action<FacebookLoginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<FacebookLoginOptions>().ValidateOnStart();
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
        builder.Services.AddOptions<FacebookLoginOptions>().Bind(section).ValidateOnStart();
        OptionsConfigurationPath<FacebookLoginOptions>.Register(builder.Services, section);
        return AddCore(builder);
    }

    private static IFbTokensBuilder AddCore(IFbTokensBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FacebookLoginOptions>, FacebookLoginOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IFacebookLoginUrlBuilder, FacebookLoginUrlBuilder>();
        return builder;
    }
}
