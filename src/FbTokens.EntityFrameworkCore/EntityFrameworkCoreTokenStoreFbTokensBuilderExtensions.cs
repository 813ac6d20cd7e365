using System.Diagnostics.CodeAnalysis;
using FbTokens.EntityFrameworkCore;
using FbTokens.EntityFrameworkCore.Internal;
using Microsoft.EntityFrameworkCore;

namespace FbTokens;

/// <summary>Registers the EF Core token store.</summary>
public static class EntityFrameworkCoreTokenStoreFbTokensBuilderExtensions
{
    /// <summary>
    /// Keeps tokens in the host's <typeparamref name="TContext"/> (registered with <c>AddDbContext</c> or
    /// <c>AddDbContextFactory</c>; a context is created per operation). Also registers the token manager. One of the
    /// <c>Use…TokenStore</c> family: the last call chooses the store, and <c>ProtectTokensWithDataProtection()</c>,
    /// called before or after, encrypts token values.
    /// </summary>
    /// <typeparam name="TContext">The host's context; its model must call <c>ApplyFbTokensConfiguration()</c>.</typeparam>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder UseEntityFrameworkCoreTokenStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TContext>(this IFbTokensBuilder builder)
        where TContext : DbContext, IFbTokensDbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseTokenStore<EntityFrameworkTokenStore<TContext>>();
    }
}
