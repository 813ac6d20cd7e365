using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// <see cref="ITokenStore"/> on Redis, single node or Redis Cluster; in three parts: this one (reads, writes, listing),
/// <c>RedisTokenStore.People.cs</c> (the index by person) and <c>RedisTokenStore.Schedule.cs</c>
/// (<see cref="ITokenSweepSchedule"/>). The key layout is <see cref="RedisKeys"/>, the Lua scripts <see cref="RedisScripts"/>.
/// Each token is a hash <c>{tag}:t:{key}</c> with fields <c>v</c> (version) and <c>d</c> (JSON); a sorted set per kind and
/// shard, <c>{tag}:i:{kind}</c>, indexes the keys so listing pages through them by value without <c>KEYS</c>; a sorted set per
/// app and shard, <c>{tag}:d:{app}</c>, holds each token's next check for the shared sweep; a set per person,
/// <c>{tag}:o:{user}[@{app}]</c>, holds the keys of their user token and of the tokens they own. Writes and removals are Lua
/// scripts that check the version and update the indexes of the token's shard in one step.
/// </summary>
internal sealed partial class RedisTokenStore : ITokenStore
{
    private static readonly RedisValue[] VersionAndData = ["v", "d"];

    /// <summary>How many index entries one page of <see cref="ListAsync"/> reads (and holds) at a time.</summary>
    internal const int ListPageSize = 200;

    private readonly RedisConnectionSource _connection;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;

    public RedisTokenStore(RedisConnectionSource connection, IOptions<RedisTokenStoreOptions> options, ILogger<RedisTokenStore> logger)
    {
        _connection = connection;
        _keys = new RedisKeys(options.Value);
        _logger = logger;
    }

    internal RedisKeys Keys => _keys;

    public async ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var values = await db.HashGetAsync(_keys.Token(key), VersionAndData).WaitAsync(cancellationToken).ConfigureAwait(false);
            return Read(values);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("read", key.ToString(), ex);
        }
    }

    public async ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.Serialize(RedisTokenDocument.From(token), RedisTokenJsonContext.Default.RedisTokenDocument);
        var member = token.Key.ToString();
        var persons = _keys.PersonsOf(token);
        var inSlot = _keys.PersonsInTokenSlot;
        var dueScore = token.Key.Kind == TokenKind.App ? RedisValue.EmptyString : Score(token.UpdatedAt);
        long result;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            RedisKey[] indexes = [_keys.Token(member), _keys.Index(token.Key), _keys.Due(token.Key)];
            if (inSlot)
            {
                result = (long)(await EvaluateSetAsync(db, [.. indexes, .. persons], json, member, dueScore, expectedVersion, "in", "", cancellationToken).ConfigureAwait(false))[0];
            }
            else
            {
                // Sharded person sets. Most writes keep the token's persons (a refresh): then one round trip, the previous
                // write's holds passing to this one. Otherwise take holds on the new persons first, write, and give back
                // the previous write's holds (or, having lost the compare-and-set, our own).
                var personList = string.Join('\n', persons);
                var reply = await EvaluateSetAsync(db, indexes, json, member, dueScore, expectedVersion, "try", personList, cancellationToken).ConfigureAwait(false);
                result = (long)reply[0];
                if (result == 0)
                {
                    await HoldPersonsAsync(db, persons, member, cancellationToken).ConfigureAwait(false);
                    reply = await EvaluateSetAsync(db, indexes, json, member, dueScore, expectedVersion, "out", personList, cancellationToken).ConfigureAwait(false);
                    result = (long)reply[0];
                    await ReleasePersonsAsync(db, result < 0 ? persons : Persons(reply[1]), member, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("write", member, ex);
        }

        if (result < 0)
        {
            var actual = -1 - result;
            throw new TokenStoreConcurrencyException(token.Key, expectedVersion, actual == 0 ? null : actual);
        }

        return token with { Version = result };
    }

    private static async Task<RedisResult[]> EvaluateSetAsync(
        IDatabase db, RedisKey[] keys, string json, string member, RedisValue dueScore, long? expectedVersion, string mode, string personList, CancellationToken cancellationToken) =>
        (RedisResult[])(await db.ScriptEvaluateAsync(
            RedisScripts.Set, keys, [Expected(expectedVersion), json, member, dueScore, mode, personList]).WaitAsync(cancellationToken).ConfigureAwait(false))!;

    public async ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var member = key.ToString();
        var inSlot = _keys.PersonsInTokenSlot;
        long result;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var reply = (RedisResult[])(await db.ScriptEvaluateAsync(
                RedisScripts.Remove,
                [_keys.Token(member), _keys.Index(key), _keys.Due(key)],
                [Expected(expectedVersion), member, inSlot ? "in" : "out"]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
            result = (long)reply[0];
            if (result == 1 && !inSlot)
            {
                await ReleasePersonsAsync(db, Persons(reply[1]), member, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("remove", member, ex);
        }

        if (result < 0)
        {
            throw new TokenStoreConcurrencyException(key, expectedVersion, -1 - result);
        }

        return result == 1;
    }

    public async IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IEnumerable<TokenKind> kinds = kind is { } k ? [k] : Enum.GetValues<TokenKind>();
        foreach (var each in kinds)
        {
            for (var shard = 0; shard < _keys.ShardCount; shard++)
            {
                // Keyset paging by value over a sorted set whose scores are all 0: each member is returned at most once, in
                // order, whatever is written meanwhile; memory holds one page.
                var after = RedisValue.Null;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var page = await ReadPageAsync(_keys.Index(each, shard), after, each.ToString(), cancellationToken).ConfigureAwait(false);
                    foreach (var token in page.Tokens)
                    {
                        yield return token;
                    }

                    if (page.Count < ListPageSize)
                    {
                        break;
                    }

                    after = page.Last;
                }
            }
        }
    }

    private async Task<(List<StoredToken> Tokens, int Count, RedisValue Last)> ReadPageAsync(string index, RedisValue after, string what, CancellationToken cancellationToken)
    {
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var members = await db.SortedSetRangeByValueAsync(
                index, min: after, max: RedisValue.Null, exclude: after.IsNull ? Exclude.None : Exclude.Start, order: Order.Ascending, skip: 0, take: ListPageSize)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (members.Length == 0)
            {
                return ([], 0, RedisValue.Null);
            }

            var tokens = await ReadManyAsync(db, members, cancellationToken).ConfigureAwait(false);
            return (tokens, members.Length, members[^1]);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("list", what, ex);
        }
    }

    /// <summary>Reads the tokens of <paramref name="members"/> in one pipelined round trip (per node); missing ones are left out.</summary>
    private async Task<List<StoredToken>> ReadManyAsync(IDatabase db, RedisValue[] members, CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue[]>[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            reads[i] = db.HashGetAsync(_keys.Token(members[i].ToString()), VersionAndData);
        }

        await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
        var tokens = new List<StoredToken>(members.Length);
        for (var i = 0; i < members.Length; i++)
        {
            if (TryRead(reads[i].Result, members[i].ToString()) is { } token)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    /// <summary><see cref="Read"/>, logging and skipping an entry that is not a token instead of failing the listing.</summary>
    private StoredToken? TryRead(RedisValue[] values, string member)
    {
        try
        {
            return Read(values);
        }
        catch (JsonException ex)
        {
            RedisLog.UnreadableEntry(_logger, member, ex);
            return null;
        }
    }

    private static StoredToken? Read(RedisValue[] values)
    {
        if (values.Length < 2 || values[0].IsNull || values[1].IsNull)
        {
            return null;
        }

        var version = (long)values[0];
        var document = JsonSerializer.Deserialize((string)values[1]!, RedisTokenJsonContext.Default.RedisTokenDocument)
            ?? throw new JsonException("The stored token is null.");
        return document.ToStoredToken(version);
    }

    private static RedisValue Expected(long? expectedVersion) =>
        expectedVersion is { } v ? v.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    /// <summary>A time as a due-set score: unix milliseconds (exact in a double for any date).</summary>
    private static RedisValue Score(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    internal static bool IsUnavailable(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException
        || (ex is RedisServerException server && IsTransientServerError(server.Message));

    private static bool IsTransientServerError(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);

    internal TokenStoreUnavailableException Unavailable(string operation, string target, Exception ex)
    {
        RedisLog.Unavailable(_logger, operation, target, ex);
        return new TokenStoreUnavailableException(
            $"Redis could not be reached to {operation} {target} ({ex.GetType().Name}). Stored tokens are kept; try again once Redis is back (a write may or may not have been applied).", ex);
    }
}
