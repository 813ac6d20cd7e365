using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Internal;

/// <summary>
/// Where the options of <typeparamref name="TOptions"/> named <see cref="Name"/> were bound from, registered once per
/// bound section, so that their validator names the keys that were read (the section <c>Hosting:Facebook</c> gives
/// <c>Hosting:Facebook:AppId</c>, not a conventional key nothing read). Options set only in code are reported under
/// the conventional keys: <c>FbTokens:…</c> for the unnamed app, <c>FbTokens:Apps:{name}:…</c> for a named one.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="Name">The options name; <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> for the unnamed options.</param>
/// <param name="Path">The configuration path of the bound section; empty for a configuration root.</param>
internal sealed record OptionsConfigurationPath<TOptions>(string Name, string Path)
    where TOptions : class
{
    /// <summary>Records that the unnamed <typeparamref name="TOptions"/> are bound from <paramref name="section"/>.</summary>
    /// <remarks>The binding itself stays at the caller, where the configuration binding source generator sees the concrete type.</remarks>
    public static void Register(IServiceCollection services, IConfiguration section) =>
        Register(services, Microsoft.Extensions.Options.Options.DefaultName, section);

    /// <summary>Records that the <typeparamref name="TOptions"/> named <paramref name="name"/> are bound from <paramref name="section"/>.</summary>
    public static void Register(IServiceCollection services, string name, IConfiguration section) =>
        services.AddSingleton(new OptionsConfigurationPath<TOptions>(
            name,
            section is IConfigurationSection bound ? bound.Path : string.Empty));

    /// <summary>
    /// The prefix of every key of the options named <paramref name="name"/>: the path of the section bound last, else
    /// the conventional one (<see cref="FbTokensApps.ConventionalPath"/> with <paramref name="child"/>); with the
    /// trailing <c>:</c>, or empty for a configuration root.
    /// </summary>
    public static string PrefixOf(IEnumerable<OptionsConfigurationPath<TOptions>>? paths, string? name, string? child)
    {
        name ??= Microsoft.Extensions.Options.Options.DefaultName;
        var path = FbTokensApps.ConventionalPath(name, child);
        if (paths is not null)
        {
            foreach (var bound in paths)
            {
                if (bound.Name == name)
                {
                    path = bound.Path;
                }
            }
        }

        return path.Length == 0 ? string.Empty : path + ConfigurationPath.KeyDelimiter;
    }
}
