using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FbTokens.Cli;

/// <summary>The settings every command shares, from options (the secret: standard input), environment and user secrets.</summary>
/// <param name="AppId">From <c>--app-id</c>.</param>
/// <param name="AppSecret">From <c>--app-secret-stdin</c>; null when not asked for (the environment or user secrets may hold it).</param>
/// <param name="GraphUrl">From <c>--graph-url</c>.</param>
/// <param name="GraphVersion">From <c>--graph-version</c>.</param>
internal sealed record GlobalSettings(string? AppId, string? AppSecret, string? GraphUrl, string? GraphVersion);

/// <summary>
/// One command's FbTokens services: configuration (user secrets, then environment, then options and the secret read by
/// <c>--app-secret-stdin</c>, the later winning),
/// <see cref="IGraphTokenClient"/> and <see cref="IFacebookLoginUrlBuilder"/>, built as an app would build them.
/// </summary>
internal sealed class GraphSession : IAsyncDisposable
{
    // Only the app id: login-url and redeem need no secret, so this hint must not suggest one.
    private const string AppIdHint = "pass --app-id, set FbTokens__AppId, or store FbTokens:AppId in user secrets ('dotnet user-secrets')";
    private readonly ServiceProvider _provider;

    private GraphSession(ServiceProvider provider, FbTokensOptions options)
    {
        _provider = provider;
        Options = options;
    }

    public FbTokensOptions Options { get; }

    public IGraphTokenClient Client => _provider.GetRequiredService<IGraphTokenClient>();

    public IFacebookLoginUrlBuilder Login => _provider.GetRequiredService<IFacebookLoginUrlBuilder>();

    public FacebookLoginOptions LoginOptions => _provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value;

    /// <summary>Resolves a service the command's <c>configure</c> registered (e.g. <see cref="IGraphTokenManager"/>).</summary>
    public T GetRequired<T>()
        where T : notnull
    {
        try
        {
            return _provider.GetRequiredService<T>();
        }
        catch (OptionsValidationException ex)
        {
            throw new CliUsageException("invalid settings: " + string.Join(" ", ex.Failures));
        }
    }

    /// <param name="settings">The shared settings.</param>
    /// <param name="host">The surroundings.</param>
    /// <param name="output">Told the app secret, so that it is never printed.</param>
    /// <param name="needsSecret">Whether a missing app secret is a usage error.</param>
    /// <param name="configure">Adds a command's extra FbTokens services (e.g. <c>AddTokenManager</c>) to the same provider.</param>
    public static GraphSession Open(GlobalSettings settings, CliHost host, CliOutput output, bool needsSecret, Action<IFbTokensBuilder>? configure = null)
    {
        var configuration = BuildConfiguration(settings, host);
        var section = configuration.GetSection("FbTokens");
        output.Hide(section["AppSecret"]);

        var services = new ServiceCollection();
        services.AddSingleton(host.TimeProvider);
        var builder = services.AddFbTokens(section).AddFacebookLogin(section.GetSection("Login"));
        if (host.CreatePrimaryHandler is not null)
        {
            builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(host.CreatePrimaryHandler);
        }

        configure?.Invoke(builder);

        var provider = services.BuildServiceProvider();
        try
        {
            var options = ReadOptions(provider, needsSecret);
            _ = provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value;
            return new GraphSession(provider, options);
        }
        catch (OptionsValidationException ex)
        {
            provider.Dispose();
            throw new CliUsageException("invalid settings: " + string.Join(" ", ex.Failures));
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private static FbTokensOptions ReadOptions(ServiceProvider provider, bool needsSecret)
    {
        FbTokensOptions options;
        try
        {
            options = provider.GetRequiredService<IOptions<FbTokensOptions>>().Value;
        }
        catch (OptionsValidationException ex) when (ex.Failures.Any(f => f.StartsWith("FbTokens:AppId is required", StringComparison.Ordinal)))
        {
            throw new CliUsageException("the app id is missing: " + AppIdHint + ".");
        }
        catch (OptionsValidationException ex) when (needsSecret && ex.Failures.Any(f => f.Contains("AppSecret is required", StringComparison.Ordinal)))
        {
            // A command with the token manager (status): its validator asks for the secret before the check below can.
            throw new CliUsageException("this command needs the app secret: " + CliCommands.AppSecretSources + ".");
        }
        catch (InvalidOperationException ex)
        {
            // The configuration binder could not convert a value (e.g. a malformed FbTokens__GraphBaseAddress).
            throw new CliUsageException("invalid settings: " + ex.Message);
        }

        if (needsSecret && string.IsNullOrEmpty(options.AppSecret))
        {
            throw new CliUsageException("this command needs the app secret: " + CliCommands.AppSecretSources + ".");
        }

        return options;
    }

    private static IConfigurationRoot BuildConfiguration(GlobalSettings settings, CliHost host)
    {
        var configuration = new ConfigurationBuilder();
        if (host.UseUserSecrets)
        {
            configuration.AddUserSecrets(typeof(GraphSession).Assembly, optional: true, reloadOnChange: false);
        }

        if (host.Environment is null)
        {
            configuration.AddEnvironmentVariables();
        }
        else
        {
            configuration.AddInMemoryCollection(host.Environment.Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
        }

        var fromOptions = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (settings.AppId is not null)
        {
            fromOptions["FbTokens:AppId"] = settings.AppId;
        }

        if (settings.AppSecret is not null)
        {
            fromOptions["FbTokens:AppSecret"] = settings.AppSecret;
        }

        if (settings.GraphUrl is not null)
        {
            fromOptions["FbTokens:GraphBaseAddress"] = GraphUrl(settings.GraphUrl).AbsoluteUri;
        }

        if (settings.GraphVersion is not null)
        {
            fromOptions["FbTokens:GraphApiVersion"] = settings.GraphVersion;
        }

        configuration.AddInMemoryCollection(fromOptions);
        return configuration.Build();
    }

    private static Uri GraphUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliUsageException("--graph-url must be an absolute http or https URL, e.g. http://127.0.0.1:5000/.");
        }

        // Without a trailing slash, relative paths would replace the last segment of the URL.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
