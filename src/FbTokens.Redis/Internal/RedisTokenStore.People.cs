using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// The index by person (<see cref="ITokenStore.ListForUserAsync"/>). With one shard the person sets share the token's slot
/// and the token scripts keep them (Redis sets, <c>{prefix}:o:…</c>, as before shards existed). With more, a person's set
/// lives in the person's shard, so it is kept outside the token script: a hash of member → holds. A write takes a hold on
/// each person it puts the token in before its script and gives back the holds of the write it replaced after it (a
/// removal likewise), so whatever the interleaving of writers a member is never missing while the token belongs to the
/// person. A write that keeps the token's persons (most: a refresh) takes no holds: the previous write's pass to it, in
/// its one script. A write that dies between the steps leaves an extra member, which <see cref="ListForUserAsync"/> ignores:
/// the token decides.
/// </summary>
internal sealed partial class RedisTokenStore
{
    private volatile bool _personIndexReady;

    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsurePersonIndexAsync(cancellationToken).ConfigureAwait(false);
        List<StoredToken> tokens;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var person = _keys.Person(userId, appId);
            var members = _keys.PersonsInTokenSlot
                ? await db.SetMembersAsync(person).WaitAsync(cancellationToken).ConfigureAwait(false)
                : await db.HashKeysAsync(person).WaitAsync(cancellationToken).ConfigureAwait(false);

            // One pipelined round trip for the person's tokens (a handful). The token decides: a member whose token moved
            // to another owner since, or whose write never happened, is not this person's.
            tokens = await ReadManyAsync(db, members, cancellationToken).ConfigureAwait(false);
            tokens.RemoveAll(token => token.Key.AppId != appId
                || !((token.Key.Kind == TokenKind.User && token.Key.SubjectId == userId) || token.OwnerUserId == userId));
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("list the tokens of", "user " + userId, ex);
        }

        foreach (var token in tokens)
        {
            yield return token;
        }
    }

    /// <summary>Sharded person sets: one hold on each of <paramref name="persons"/> for <paramref name="member"/>, before the write.</summary>
    private static async Task HoldPersonsAsync(IDatabase db, RedisKey[] persons, string member, CancellationToken cancellationToken)
    {
        if (persons.Length > 0)
        {
            await Task.WhenAll(persons.Select(person => db.HashIncrementAsync(person, member))).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sharded person sets: gives back one hold on each of <paramref name="persons"/>, dropping the member at none.</summary>
    private static async Task ReleasePersonsAsync(IDatabase db, RedisKey[] persons, string member, CancellationToken cancellationToken)
    {
        if (persons.Length > 0)
        {
            await Task.WhenAll(persons.Select(person => db.ScriptEvaluateAsync(RedisScripts.PersonRelease, [person], [member])))
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The person sets a token script reported (its field <c>p</c>: newline-separated keys; empty for none).</summary>
    private static RedisKey[] Persons(RedisResult recorded)
    {
        var text = (string?)recorded;
        return string.IsNullOrEmpty(text) ? [] : [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(k => (RedisKey)k)];
    }

    /// <summary>
    /// Once per key prefix: adds every token stored before the person index existed to it (one pass over the kind indexes,
    /// then a marker key), so <see cref="ListForUserAsync"/> also finds tokens written by earlier versions. Only the
    /// one-shard layout can hold such tokens: every sharded store was written with the index.
    /// </summary>
    private async Task EnsurePersonIndexAsync(CancellationToken cancellationToken)
    {
        if (_personIndexReady || !_keys.PersonsInTokenSlot)
        {
            return;
        }

        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            if (!await db.KeyExistsAsync(_keys.PersonIndexReady).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                var added = 0;
                await foreach (var token in ListAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    var persons = _keys.PersonsOf(token);
                    if (persons.Length == 0)
                    {
                        continue;
                    }

                    var reply = await db.ScriptEvaluateAsync(
                        RedisScripts.BackfillPersons,
                        [_keys.Token(token.Key), .. persons],
                        [token.Version.ToString(CultureInfo.InvariantCulture), token.Key.ToString()]).WaitAsync(cancellationToken).ConfigureAwait(false);
                    added += (int)reply;
                }

                await db.StringSetAsync(_keys.PersonIndexReady, "1").WaitAsync(cancellationToken).ConfigureAwait(false);
                RedisLog.PersonIndexBuilt(_logger, added);
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("index", "the stored tokens by person", ex);
        }

        _personIndexReady = true;
    }
}
