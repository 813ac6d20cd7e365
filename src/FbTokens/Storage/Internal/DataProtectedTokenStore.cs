using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace FbTokens.Internal;

/// <summary>
/// Encrypts <see cref="StoredToken.Value"/> with ASP.NET Core Data Protection before it reaches the inner store, and
/// decrypts it on the way out. Everything else (keys, expiry, status, version) stays readable for queries and sweeps.
/// It does not implement <see cref="ITokenSweepSchedule"/> itself (it would claim a schedule the inner store may not
/// keep): <see cref="Schedule"/> forwards the inner store's, when it has one (<see cref="TokenSweepSchedules.Of"/>).
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
        Schedule = TokenSweepSchedules.Of(inner) is { } schedule ? new ProtectedSchedule(this, schedule) : null;
    }

    internal ITokenStore Inner => _inner;

    /// <summary>The inner store's sweep schedule, claimed tokens coming back decrypted; null when the inner store keeps none.</summary>
    internal ITokenSweepSchedule? Schedule { get; }

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

    /// <summary>Forwards the inner store's schedule; claimed tokens come back decrypted, as <see cref="GetAsync"/> returns them.</summary>
    private sealed class ProtectedSchedule(DataProtectedTokenStore store, ITokenSweepSchedule inner) : ITokenSweepSchedule
    {
        public async ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default)
        {
            var claimed = await inner.ClaimDueAsync(appId, dueBy, leaseUntil, maxCount, cancellationToken).ConfigureAwait(false);
            var plain = new StoredToken[claimed.Count];
            for (var i = 0; i < plain.Length; i++)
            {
                plain[i] = store.Unprotect(claimed[i]);
            }

            return plain;
        }

        public ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default) =>
            inner.ScheduleAsync(keys, nextCheckAt, cancellationToken);

        public ValueTask<TokenSweepBacklog> GetBacklogAsync(string? appId, DateTimeOffset dueBy, CancellationToken cancellationToken = default) =>
            inner.GetBacklogAsync(appId, dueBy, cancellationToken);
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
