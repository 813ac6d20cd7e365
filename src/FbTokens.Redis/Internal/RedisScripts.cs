namespace FbTokens.Redis.Internal;

/// <summary>
/// The Redis store's Lua scripts. Each touches the keys of one shard only (<see cref="RedisKeys"/>), so it runs on one
/// Redis Cluster node: a token's hash, its kind index and its due set; on one shard also the person sets, which then share
/// the slot. A token hash holds <c>v</c> (version), <c>d</c> (JSON) and <c>p</c> (the person sets it is in,
/// newline-separated, so an owner change or a removal can leave them).
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Writes a token. KEYS: token, kind index, due set, then (mode <c>in</c>) the person sets it now belongs in.
    /// ARGV: expected version ('' for any), JSON, member, due score ('' for none: kind App), mode, the person list to record
    /// (modes out and try). Modes: <c>in</c>, the person sets share the slot and are kept here; <c>out</c>, the caller holds
    /// the new person sets and gives back the previous write's holds after; <c>try</c>, the caller took no holds, so the
    /// write goes ahead only if the token's person list stays the same (the previous write's holds pass to this one) and
    /// otherwise returns { 0 } without writing. Returns { new version, previous person list or '' } or { -1 - current } when
    /// the expected version does not match. The due set keeps an existing member's score (ZADD NX): an overwrite keeps the
    /// token's next check.
    /// </summary>
    public const string Set = """
        local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return { -1 - cur } end
        local v = cur + 1
        local old = redis.call('HGET', KEYS[1], 'p')
        if ARGV[5] == 'try' then
          if (old or '') ~= ARGV[6] then return { 0 } end
          old = false
        end
        redis.call('HSET', KEYS[1], 'v', v, 'd', ARGV[2])
        if ARGV[5] == 'in' then
          if old then
            for k in string.gmatch(old, '[^\n]+') do
              local keep = false
              for i = 4, #KEYS do if KEYS[i] == k then keep = true end end
              if not keep then redis.call('SREM', k, ARGV[3]) end
            end
          end
          old = false
          if #KEYS > 3 then
            local p = {}
            for i = 4, #KEYS do
              redis.call('SADD', KEYS[i], ARGV[3])
              p[#p + 1] = KEYS[i]
            end
            redis.call('HSET', KEYS[1], 'p', table.concat(p, '\n'))
          else
            redis.call('HDEL', KEYS[1], 'p')
          end
        elseif ARGV[6] ~= '' then
          redis.call('HSET', KEYS[1], 'p', ARGV[6])
        else
          redis.call('HDEL', KEYS[1], 'p')
        end
        redis.call('ZADD', KEYS[2], 0, ARGV[3])
        if ARGV[4] ~= '' then redis.call('ZADD', KEYS[3], 'NX', ARGV[4], ARGV[3]) end
        return { v, old or '' }
        """;

    /// <summary>
    /// Removes a token. KEYS: token, kind index, due set. ARGV: expected version ('' for any), member, mode (as
    /// <see cref="Set"/>). Returns { 1, previous person list or '' } when removed, { 0 } when nothing was stored, or
    /// { -1 - current } when the expected version does not match.
    /// </summary>
    public const string Remove = """
        local cur = redis.call('HGET', KEYS[1], 'v')
        if not cur then
          redis.call('ZREM', KEYS[2], ARGV[2])
          redis.call('ZREM', KEYS[3], ARGV[2])
          return { 0 }
        end
        cur = tonumber(cur)
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return { -1 - cur } end
        local old = redis.call('HGET', KEYS[1], 'p')
        if old and ARGV[3] == 'in' then
          for k in string.gmatch(old, '[^\n]+') do redis.call('SREM', k, ARGV[2]) end
          old = false
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        redis.call('ZREM', KEYS[3], ARGV[2])
        return { 1, old or '' }
        """;

    /// <summary>
    /// Sharded person sets (hashes: member → how many writes hold it) — one release. A write takes a hold on each person it
    /// puts the token in before its token script, and releases the holds of the write it replaced after it; so a member
    /// is never missing while a token belongs to the person, whatever the interleaving. KEYS: person hash. ARGV: member.
    /// </summary>
    public const string PersonRelease = """
        local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return n
        """;

    /// <summary>
    /// Adds a token stored before the person index existed (no field 'p') to its person sets, if it is still the version
    /// read (a newer write indexed it already). One shard only. KEYS: token, its person sets. ARGV: version, member.
    /// </summary>
    public const string BackfillPersons = """
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

    /// <summary>Adds a token stored before the due sets existed to its due set, if still stored. KEYS: token, due set.
    /// ARGV: score (its UpdatedAt), member. Returns 1 when added.</summary>
    public const string BackfillDue = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        return redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[2])
        """;

    /// <summary>Sets the next check (ARGV[1], unix ms) of each member ARGV[i + 1] whose token hash KEYS[i + 1] still exists, in the
    /// due set KEYS[1]: added when missing (a token written by a version without the schedule, after the one-time fill), so a
    /// sweep that checked it schedules it from then on; a removed token is not added back. Every key shares one shard's slot.</summary>
    public const string Schedule = """
        for i = 2, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i]) end
        end
        return 0
        """;

    /// <summary>
    /// Claims due tokens of one due set: up to ARGV[3] members scored at or before ARGV[1] (the most overdue first) are
    /// moved to ARGV[2] (the lease) and returned with their score and their hash's v and d, flat after how many members were
    /// dropped: { dropped, member, score, v, d, member, score, v, d, … }. A member whose hash is gone (never so through the
    /// store's own scripts) is dropped from the set. KEYS: due set. ARGV: due by, lease until, count, token key prefix.
    /// </summary>
    public const string Claim = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
        local out = { 0 }
        for i = 1, #due, 2 do
          local m = due[i]
          local vd = redis.call('HMGET', ARGV[4] .. m, 'v', 'd')
          if vd[1] and vd[2] then
            redis.call('ZADD', KEYS[1], 'XX', ARGV[2], m)
            out[#out + 1] = m
            out[#out + 1] = due[i + 1]
            out[#out + 1] = vd[1]
            out[#out + 1] = vd[2]
          else
            redis.call('ZREM', KEYS[1], m)
            out[1] = out[1] + 1
          end
        end
        return out
        """;

    /// <summary>Deletes a lock only if it still holds the caller's lease. KEYS: lock. ARGV: lease. Returns 1 when released.</summary>
    public const string ReleaseLock = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>Extends a lock only if it still holds the caller's lease. KEYS: lock. ARGV: lease, milliseconds. Returns 1 when
    /// extended, 0 when the lease was lost.</summary>
    public const string RenewLock = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;
}
