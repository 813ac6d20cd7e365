using System.Reflection;

namespace FbTokens.AspNetCore.Tests.Framework;

/// <summary>An <see cref="ITokenStore"/> whose every call throws the given exception (a database without its table).</summary>
public class BrokenTokenStore : DispatchProxy
{
    private Func<Exception> _failure = () => new InvalidOperationException("broken");

    public static ITokenStore Create(Func<Exception> failure)
    {
        var store = DispatchProxy.Create<ITokenStore, BrokenTokenStore>();
        ((BrokenTokenStore)(object)store)._failure = failure;
        return store;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw _failure();
}
