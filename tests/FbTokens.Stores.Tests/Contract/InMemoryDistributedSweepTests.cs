using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>The distributed sweep on the in-memory store: the three instances share one store object, as one process would.</summary>
public sealed class InMemoryDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly InMemoryTokenStore _store = new();

    protected override void UseStore(IFbTokensBuilder builder)
    {
        builder.UseInMemoryTokenStore();
        builder.Services.RemoveAllKeyed<ITokenStore>(InnerStoreKey);
        builder.Services.AddKeyedSingleton<ITokenStore>(InnerStoreKey, _store);
    }
}
