using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>Builds service providers the way a host registers FbTokens, for store tests.</summary>
internal static class StoreServices
{
    public const string AppId = "1000000000000001";

    public static ServiceProvider Build(Action<IFbTokensBuilder> useStore, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        var builder = collection.AddFbTokens(o =>
        {
            o.AppId = AppId;
            o.AppSecret = "emulatorsecret";
        });
        useStore(builder.AddTokenManager());
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
