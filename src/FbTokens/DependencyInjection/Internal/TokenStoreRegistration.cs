using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FbTokens.Internal;

/// <summary>
/// How stores and their decorator are registered, as Duende does it: the chosen store is a keyed singleton under
/// <see cref="InnerStoreKey"/>, and the unkeyed <see cref="ITokenStore"/> everything else takes is a resolver FbTokens
/// owns, which returns that store, or a <see cref="DataProtectedTokenStore"/> around it once
/// <c>ProtectTokensWithDataProtection()</c> was called. So the <c>Use…TokenStore</c> calls and the decorator mean the
/// same in any order, and no store is rebuilt from another registration. A named app that chooses a store of its own
/// (or protection) gets the same pair under its name: its chosen store keyed <see cref="InnerStoreKeyOf"/> and a resolver
/// keyed by the app's name, which <see cref="FbTokensApps.Store"/> prefers over the shared store.
/// </summary>
internal static class TokenStoreRegistration
{
    /// <summary>The key of the chosen store, the one the unkeyed <see cref="ITokenStore"/> returns or wraps.</summary>
    public const string InnerStoreKey = "FbTokens.InnerStore";

    /// <summary>
    /// Registers the resolver and, unless a store is chosen, <see cref="InMemoryTokenStore"/>. A store the host
    /// registered itself as the unkeyed <see cref="ITokenStore"/> before this call becomes the chosen store.
    /// </summary>
    public static void AddDefault(IServiceCollection services)
    {
        ClaimUnkeyedStore(services);
        services.TryAddKeyedSingleton<ITokenStore, InMemoryTokenStore>(InnerStoreKey);
    }

    /// <summary>The key of a named app's own chosen store.</summary>
    public static string InnerStoreKeyOf(string app) => InnerStoreKey + ":" + app;

    /// <summary>
    /// Makes <typeparamref name="TStore"/> the chosen store (a singleton), replacing any earlier choice: the shared one,
    /// or, for a named <paramref name="app"/>, that app's own.
    /// </summary>
    public static void Use<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(IServiceCollection services, string? app = null)
        where TStore : class, ITokenStore
    {
        if (app is not null)
        {
            var key = InnerStoreKeyOf(app);
            services.RemoveAllKeyed<ITokenStore>(key);
            services.AddKeyedSingleton<ITokenStore, TStore>(key);
            AppResolver(services, app, protect: false);
            return;
        }

        ClaimUnkeyedStore(services);
        services.RemoveAllKeyed<ITokenStore>(InnerStoreKey);
        services.AddKeyedSingleton<ITokenStore, TStore>(InnerStoreKey);
    }

    /// <summary>
    /// Makes the unkeyed <see cref="ITokenStore"/> a <see cref="DataProtectedTokenStore"/> around the chosen store; for a
    /// named <paramref name="app"/>, that app's resolver instead (around its own store, or the shared chosen store).
    /// </summary>
    public static void Protect(IServiceCollection services, string? app = null)
    {
        if (app is not null)
        {
            AppResolver(services, app, protect: true);
            return;
        }

        var resolver = ClaimUnkeyedStore(services);
        if (resolver.ImplementationFactory?.Target is not Resolver { Protects: true })
        {
            services.Remove(resolver);
            services.Add(new Resolver(protects: true).Describe());
        }
    }

    /// <summary>
    /// Moves what the host registered as the unkeyed <see cref="ITokenStore"/> (the last one, which the container would
    /// have returned) to <see cref="InnerStoreKey"/>, unchanged, and leaves the resolver the only unkeyed registration.
    /// </summary>
    /// <returns>The resolver's registration.</returns>
    private static ServiceDescriptor ClaimUnkeyedStore(IServiceCollection services)
    {
        ServiceDescriptor? resolver = null;
        ServiceDescriptor? hosts = null;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ITokenStore) || descriptor.IsKeyedService)
            {
                continue;
            }

            if (descriptor.ImplementationFactory?.Target is Resolver)
            {
                resolver ??= descriptor;
            }
            else
            {
                hosts ??= descriptor;
            }

            services.RemoveAt(i);
        }

        if (hosts is not null)
        {
            services.RemoveAllKeyed<ITokenStore>(InnerStoreKey);
            services.Add(AsInner(hosts));
        }

        resolver ??= new Resolver(protects: false).Describe();
        services.Add(resolver);
        return resolver;
    }

    /// <summary>
    /// Registers (or keeps) the resolver keyed by <paramref name="app"/>; once protection was asked for it stays on,
    /// whichever call comes first.
    /// </summary>
    private static void AppResolver(IServiceCollection services, string app, bool protect)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(ITokenStore) && d.IsKeyedService && Equals(d.ServiceKey, app));
        var protects = protect || existing?.KeyedImplementationFactory?.Target is AppResolverOf { Protects: true };
        if (existing?.KeyedImplementationFactory?.Target is AppResolverOf current && current.Protects == protects)
        {
            return;
        }

        services.RemoveAllKeyed<ITokenStore>(app);
        services.Add(new AppResolverOf(app, protects).Describe());
    }

    private static ServiceDescriptor AsInner(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(typeof(ITokenStore), InnerStoreKey, instance);
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(typeof(ITokenStore), InnerStoreKey, (services, _) => factory(services), descriptor.Lifetime);
        }

        return new ServiceDescriptor(typeof(ITokenStore), InnerStoreKey, descriptor.ImplementationType!, descriptor.Lifetime);
    }

    /// <summary>
    /// Builds a named app's <see cref="ITokenStore"/>: its own chosen store, else the shared chosen store, wrapped when
    /// protection was asked for on that app's builder. Without protection and a store of its own, the shared (possibly
    /// protected) store.
    /// </summary>
    private sealed class AppResolverOf(string app, bool protects)
    {
        public bool Protects => protects;

        public ServiceDescriptor Describe() => ServiceDescriptor.KeyedSingleton<ITokenStore>(app, Resolve);

        private ITokenStore Resolve(IServiceProvider services, object? key)
        {
            var own = services.GetKeyedService<ITokenStore>(InnerStoreKeyOf(app));
            if (!protects)
            {
                return own ?? services.GetRequiredService<ITokenStore>();
            }

            var inner = own ?? services.GetRequiredKeyedService<ITokenStore>(InnerStoreKey);
            return Resolver.Wrap(inner, services);
        }
    }

    /// <summary>Builds the unkeyed <see cref="ITokenStore"/>; its type marks FbTokens' own registration.</summary>
    private sealed class Resolver(bool protects)
    {
        public bool Protects => protects;

        public ServiceDescriptor Describe() => ServiceDescriptor.Singleton<ITokenStore>(Resolve);

        private ITokenStore Resolve(IServiceProvider services)
        {
            var inner = services.GetRequiredKeyedService<ITokenStore>(InnerStoreKey);
            return protects ? Wrap(inner, services) : inner;
        }

        public static DataProtectedTokenStore Wrap(ITokenStore inner, IServiceProvider services)
        {
            var provider = services.GetService<IDataProtectionProvider>()
                ?? throw new InvalidOperationException("ProtectTokensWithDataProtection() needs ASP.NET Core Data Protection: call services.AddDataProtection().");
            return new DataProtectedTokenStore(inner, provider, services.GetService<Microsoft.Extensions.Logging.ILogger<DataProtectedTokenStore>>());
        }
    }
}
