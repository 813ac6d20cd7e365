using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace FbTokens.Internal;

/// <summary>
/// Encrypts <see cref="StoredToken.Value"/> with ASP.NET Core Data Protection before it reaches the inner store, and
/// decrypts it on the way out. Everything else (keys, expiry, status, version) stays readable for queries and sweeps.
/// </summary>
internal sealed class DataProtectedTokenStore : ITokenStore
{
    public const string Purpose = "FbTokens.TokenStore.v1";

    private readonly ITokenStore _inner;
    private readonly IDataProtector _protector;

    public DataProtectedTokenStore(ITokenStore inner, IDataProtectionProvider provider)
    {
        _inner = inner;
        _protector = provider.CreateProtector(Purpose);
    }

    internal ITokenStore Inner => _inner;

    public async ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        var token = await _inner.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return token is null ? null : Unprotect(token);
    }

    public async ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var stored = await _inner.SetAsync(token with { Value = _protector.Protect(token.Value) }, expectedVersion, cancellationToken).ConfigureAwait(false);

        // The caller gets the plain value back; no need to decrypt what it just gave us.
        return stored with { Value = token.Value };
    }

    public ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default) =>
        _inner.RemoveAsync(key, expectedVersion, cancellationToken);

    public async IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var token in _inner.ListAsync(kind, cancellationToken).ConfigureAwait(false))
        {
            yield return Unprotect(token);
        }
    }

    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var token in _inner.ListForUserAsync(userId, appId, cancellationToken).ConfigureAwait(false))
        {
            yield return Unprotect(token);
        }
    }

    private StoredToken Unprotect(StoredToken token)
    {
        try
        {
            return token with { Value = _protector.Unprotect(token.Value) };
        }
        catch (CryptographicException ex)
        {
            // Never include the stored value: it may be a plain token written before protection was turned on.
            throw new CryptographicException(
                $"The stored token {token.Key} could not be decrypted: it was written without Data Protection, or with a key that is no longer in the key ring.", ex);
        }
    }
}
