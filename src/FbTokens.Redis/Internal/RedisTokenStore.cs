using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// (About 370 lines, kept whole: the Lua scripts and the C# that calls them must change together, and the key layout
/// they share is written down once here; issue 16's cluster key layout is the moment to split it.)
/// <see cref="ITokenStore"/> on Redis. Each token is a hash <c>{prefix}:t:{key}</c> with fields <c>v</c> (version) and
/// <c>d</c> (JSON); a sorted set per kind, <c>{prefix}:i:{kind}</c>, indexes the keys so the sweep pages through them by
/// value without <c>KEYS</c>; a set per person, <c>{prefix}:o:{user}[@{app}]</c>, holds the keys of their user token and of
/// the tokens they own (<see cref="ITokenStore.ListForUserAsync"/>). Writes and removals are Lua scripts that check the
/// version and update both indexes in one step.
/// </summary>
internal sealed class RedisTokenStore : ITokenStore
{
    // Returns the new version, or -1 - current when the expected version (ARGV[1], '' for any) does not match.
    // KEYS[3..] are the person sets the token now belongs in; field 'p' of the hash remembers them (newline-separated), so
    // an owner change or a removal leaves the old person's set in the same step. The old sets are read from 'p' rather
    // than passed in: they share the {prefix} hash slot with KEYS[1], so the script stays on one slot.
    private const string SetScript = """
        local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return -1 - cur end
        local v = cur + 1
        local old = redis.call('HGET', KEYS[1], 'p')
        if old then
          for k in string.gmatch(old, '[^\n]+') do
            local keep = false
            for i = 3, #KEYS do if KEYS[i] == k then keep = true end end
            if not keep then redis.call('SREM', k, ARGV[3]) end
          end
        end
        redis.call('HSET', KEYS[1], 'v', v, 'd', ARGV[2])
        if #KEYS > 2 then
          local p = {}
          for i = 3, #KEYS do
            redis.call('SADD', KEYS[i], ARGV[3])
            p[#p + 1] = KEYS[i]
          end
          redis.call('HSET', KEYS[1], 'p', table.concat(p, '\n'))
        else
          redis.call('HDEL', KEYS[1], 'p')
        end
        redis.call('ZADD', KEYS[2], 0, ARGV[3])
        return v
        """;

    // Returns 1 when removed, 0 when nothing was stored, or -1 - current when the expected version does not match.
    private const string RemoveScript = """
        local cur = redis.call('HGET', KEYS[1], 'v')
        if not cur then
          redis.call('ZREM', KEYS[2], ARGV[2])
          return 0
        end
        cur = tonumber(cur)
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return -1 - cur end
        local old = redis.call('HGET', KEYS[1], 'p')
        if old then
          for k in string.gmatch(old, '[^\n]+') do redis.call('SREM', k, ARGV[2]) end
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        return 1
        """;

    // Adds a token stored before the person index existed (no field 'p') to its person sets, if it is still the version
    // read (a newer write indexed it already). KEYS[2..] are its person sets; ARGV[1] the version, ARGV[2] the member.
    private const string BackfillScript = """
        local cur = redis.call('HGET', KEYS[1], 'v')
        if not cur or cur ~= ARGV[1] or redis.call('HEXISTS', KEYS[1], 'p') == 1 then return 0 end
        local p = {}
        for i = 2, #KEYS do
          redis.call('SADD', KEYS[i], ARGV[2])
          p[#p + 1] = KEYS[i]
        end
        if #p > 0 then redis.call('HSET', KEYS[1], 'p', table.concat(p, '\n')) end
        return 1
        """;

    private static readonly RedisValue[] VersionAndData = ["v", "d"];

    /// <summary>How many index entries one page of <see cref="ListAsync"/> reads (and holds) at a time.</summary>
    internal const int ListPageSize = 200;

    private readonly RedisConnectionSource _connection;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private volatile bool _personIndexReady;

    public RedisTokenStore(RedisConnectionSource connection, IOptions<RedisTokenStoreOptions> options, ILogger<RedisTokenStore> logger)
    {
        _connection = connection;
        _keys = new RedisKeys(options.Value.KeyPrefix);
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
        long result;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var reply = await db.ScriptEvaluateAsync(
                SetScript,
                [_keys.Token(token.Key), _keys.Index(token.Key.Kind), .. _keys.PersonsOf(token)],
                [Expected(expectedVersion), json, token.Key.ToString()]).WaitAsync(cancellationToken).ConfigureAwait(false);
            result = (long)reply;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("write", token.Key.ToString(), ex);
        }

        if (result < 0)
        {
            var actual = -1 - result;
            throw new TokenStoreConcurrencyException(token.Key, expectedVersion, actual == 0 ? null : actual);
        }

        return token with { Version = result };
    }

    public async ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        long result;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var reply = await db.ScriptEvaluateAsync(
                RemoveScript,
                [_keys.Token(key), _keys.Index(key.Kind)],
                [Expected(expectedVersion), key.ToString()]).WaitAsync(cancellationToken).ConfigureAwait(false);
            result = (long)reply;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("remove", key.ToString(), ex);
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
            // Keyset paging by value over a sorted set whose scores are all 0: each member is returned at most once, in
            // order, whatever is written meanwhile; memory holds one page.
            var after = RedisValue.Null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await ReadPageAsync(each, after, cancellationToken).ConfigureAwait(false);
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

    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsurePersonIndexAsync(cancellationToken).ConfigureAwait(false);
        var tokens = new List<StoredToken>();
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var members = await db.SetMembersAsync(_keys.Person(userId, appId)).WaitAsync(cancellationToken).ConfigureAwait(false);

            // One pipelined round trip for the person's tokens (a handful).
            var reads = new Task<RedisValue[]>[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                reads[i] = db.HashGetAsync(_keys.Token(members[i].ToString()), VersionAndData);
            }

            await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < members.Length; i++)
            {
                try
                {
                    // The token decides: a member whose token moved to another owner since is not this person's.
                    if (Read(reads[i].Result) is { } token && token.Key.AppId == appId
                        && ((token.Key.Kind == TokenKind.User && token.Key.SubjectId == userId) || token.OwnerUserId == userId))
                    {
                        tokens.Add(token);
                    }
                }
                catch (JsonException ex)
                {
                    RedisLog.UnreadableEntry(_logger, members[i].ToString(), ex);
                }
            }
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

    /// <summary>
    /// Once per key prefix: adds every token stored before the person index existed to it (one pass over the kind indexes,
    /// then a marker key), so <see cref="ListForUserAsync"/> also finds tokens written by earlier versions.
    /// </summary>
    private async Task EnsurePersonIndexAsync(CancellationToken cancellationToken)
    {
        if (_personIndexReady)
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
                        BackfillScript,
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

    private async Task<(List<StoredToken> Tokens, int Count, RedisValue Last)> ReadPageAsync(TokenKind kind, RedisValue after, CancellationToken cancellationToken)
    {
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var members = await db.SortedSetRangeByValueAsync(
                _keys.Index(kind), min: after, max: RedisValue.Null, exclude: after.IsNull ? Exclude.None : Exclude.Start, order: Order.Ascending, skip: 0, take: ListPageSize)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (members.Length == 0)
            {
                return ([], 0, RedisValue.Null);
            }

            // One pipelined round trip for the page.
            var reads = new Task<RedisValue[]>[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                reads[i] = db.HashGetAsync(_keys.Token(members[i].ToString()), VersionAndData);
            }

            await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
            var tokens = new List<StoredToken>(members.Length);
            for (var i = 0; i < members.Length; i++)
            {
                try
                {
                    if (Read(reads[i].Result) is { } token)
                    {
                        tokens.Add(token);
                    }
                }
                catch (JsonException ex)
                {
                    RedisLog.UnreadableEntry(_logger, members[i].ToString(), ex);
                }
            }

            return (tokens, members.Length, members[^1]);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("list", kind.ToString(), ex);
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
