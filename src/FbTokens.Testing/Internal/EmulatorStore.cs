using System.Globalization;

namespace FbTokens.Testing.Internal;

/// <summary>
/// (About 360 lines, kept whole: every method runs under the one lock below, and splitting them across types would hide
/// which ones expect it held.)
/// The emulated world: apps, users, tokens and codes, and the one lock that guards them. Every part of the engine
/// takes <see cref="Sync"/> before it reads or writes here; each critical section is a few dictionary operations,
/// which keeps thousands of concurrent calls consistent and fast enough. Methods named <c>…Locked</c> and the
/// lookups expect the caller to hold the lock; the set-up methods take it themselves.
/// </summary>
internal sealed class EmulatorStore
{
    private readonly TimeProvider _time;
    private readonly GraphTokenEmulatorOptions _options;
    private readonly Dictionary<string, AppState> _apps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenState> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeState> _codes = new(StringComparer.Ordinal);
    private long _nextUserId = 100_000_000_000_001;
    private long _nextPageId = 200_000_000_000_001;
    private long _nextAppId;

    public EmulatorStore(TimeProvider time, GraphTokenEmulatorOptions options)
    {
        _time = time;
        _options = options;
        _nextAppId = long.Parse(options.AppId, CultureInfo.InvariantCulture) + 1;
        DefaultApp = AddApp(options.AppId, options.AppSecret ?? RandomValues.Secret(), options.AppName, options.RequireAppSecretProof, options.CallBudgetPerHour);
    }

    /// <summary>The one lock over all of the emulator's state (store, faults, throttles, usage).</summary>
    public object Sync { get; } = new();

    public EmulatedApp DefaultApp { get; }

    // ---------------------------------------------------------------- set-up (test helpers; take the lock)

    public EmulatedApp AddApp(string? appId, string? appSecret, string name, bool requireAppSecretProof, int callBudgetPerHour)
    {
        lock (Sync)
        {
            var id = appId ?? RandomValues.Digits(_nextAppId++);
            var app = new EmulatedApp(id, appSecret ?? RandomValues.Secret(), RandomValues.Secret(), name, requireAppSecretProof, callBudgetPerHour);
            _apps[id] = new AppState(app);
            return app;
        }
    }

    public EmulatedUser CreateUser(string? name, string? appId, IReadOnlyList<string> scopes)
    {
        lock (Sync)
        {
            var app = RequireApp(appId);
            var id = RandomValues.Digits(_nextUserId++);
            var now = _time.GetUtcNow();
            var user = new UserState(id, name ?? "Test User " + id, app.App.AppId, scopes, now + _options.DataAccessLifetime);
            _users[id] = user;
            app.LastUserId = id;
            var token = IssueUserTokenLocked(user, longLived: false, machineId: null, now);
            return new EmulatedUser(id, user.Name, app.App.AppId, token.Value);
        }
    }

    public EmulatedUser CreateSystemUser(string? name, string? appId, IReadOnlyList<string> scopes, bool tokenExpiresIn60Days)
    {
        lock (Sync)
        {
            var app = RequireApp(appId);
            var id = RandomValues.Digits(_nextUserId++);
            var user = new UserState(id, name ?? "System User " + id, app.App.AppId, scopes, dataAccessExpiresAt: null)
            {
                IsSystemUser = true,
                SystemTokensExpire = tokenExpiresIn60Days,
            };
            _users[id] = user;
            var token = IssueSystemUserTokenLocked(user, _time.GetUtcNow());
            return new EmulatedUser(id, user.Name, app.App.AppId, token.Value);
        }
    }

    public EmulatedPage AddPage(string userId, string? name, string category, IReadOnlyList<string> tasks)
    {
        lock (Sync)
        {
            var user = RequireUser(userId);
            var id = RandomValues.Digits(_nextPageId++);
            var page = new EmulatedPage(id, name ?? "Test Page " + id, category, [new("2200", category)], tasks);
            user.Pages.Add(page);
            return page;
        }
    }

    public string CreateAuthorizationCode(string userId, Uri redirectUri)
    {
        lock (Sync)
        {
            var user = RequireUser(userId);
            return AddCodeLocked(user.AppId, user.Id, redirectUri.AbsoluteUri, _time.GetUtcNow(), isClientCode: false).Value;
        }
    }

    public string IssueUserToken(string userId, bool longLived)
    {
        lock (Sync)
        {
            var user = RequireUser(userId);
            var now = _time.GetUtcNow();
            if (user.IsSystemUser)
            {
                return IssueSystemUserTokenLocked(user, now).Value;
            }

            if (!longLived)
            {
                // A short-lived token is what a login gives: the person was active, so the data-access window reopens.
                ReopenDataAccessLocked(user, now);
            }

            return IssueUserTokenLocked(user, longLived, machineId: null, now).Value;
        }
    }

    public EmulatedToken? FindToken(string accessToken)
    {
        lock (Sync)
        {
            return _tokens.TryGetValue(accessToken, out var token) ? token.ToPublic() : null;
        }
    }

    public int InvalidateUserTokens(string userId, TokenInvalidationReason reason)
    {
        lock (Sync)
        {
            var user = RequireUser(userId);
            var count = 0;
            foreach (var token in user.Tokens)
            {
                if (token.InvalidatedBecause is null)
                {
                    token.InvalidatedBecause = reason;
                    count++;
                }
            }

            return count;
        }
    }

    public bool InvalidateToken(string accessToken, TokenInvalidationReason reason)
    {
        lock (Sync)
        {
            if (!_tokens.TryGetValue(accessToken, out var token))
            {
                return false;
            }

            token.InvalidatedBecause ??= reason;
            foreach (var page in token.PageTokens.Values)
            {
                page.InvalidatedBecause ??= reason;
            }

            return true;
        }
    }

    /// <summary>
    /// The person removes the app (Settings, Apps and Websites): every token they hold for it fails with subcode 458
    /// from now on, and their permissions are gone, so the next login asks for all of them again.
    /// </summary>
    /// <returns>The app, the user and how many tokens were invalidated.</returns>
    public (EmulatedApp App, UserState User, int Invalidated) RemoveApp(string userId, string? appId)
    {
        lock (Sync)
        {
            var user = RequireUser(userId);
            if (appId is not null && !string.Equals(appId, user.AppId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The user '{userId}' has not logged into app '{appId}'.", nameof(appId));
            }

            var count = 0;
            foreach (var token in user.Tokens)
            {
                if (token.InvalidatedBecause is null)
                {
                    token.InvalidatedBecause = TokenInvalidationReason.AppNotInstalled;
                    count++;
                }
            }

            user.Scopes = [];
            user.DeclinedScopes.Clear();
            return (_apps[user.AppId].App, user, count);
        }
    }

    /// <summary>The app and user a data-deletion request is for.</summary>
    public (EmulatedApp App, UserState User) AppOfUser(string userId, string? appId)
    {
        lock (Sync)
        {
            var user = RequireUser(userId);
            if (appId is not null && !string.Equals(appId, user.AppId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The user '{userId}' has not logged into app '{appId}'.", nameof(appId));
            }

            return (_apps[user.AppId].App, user);
        }
    }

    // ---------------------------------------------------------------- lookups (caller holds the lock)

    public AppState? FindApp(string appId) => _apps.GetValueOrDefault(appId);

    /// <summary>The app of a token the emulator issued (it always exists: apps are never removed).</summary>
    public AppState AppOf(TokenState token) => _apps[token.AppId];

    public TokenState? FindTokenLocked(string value) => _tokens.GetValueOrDefault(value);

    public UserState? FindUser(string userId) => _users.GetValueOrDefault(userId);

    /// <summary>A user a code or token names (it always exists: users are never removed).</summary>
    public UserState GetUser(string userId) => _users[userId];

    /// <summary>The user of a user or page token.</summary>
    public UserState UserOf(TokenState token) => _users[token.UserId!];

    public CodeState? FindCode(string value) => _codes.GetValueOrDefault(value);

    // ---------------------------------------------------------------- issuing (caller holds the lock)

    public TokenState IssueUserTokenLocked(UserState user, bool longLived, string? machineId, DateTimeOffset now, IReadOnlyList<string>? scopes = null)
    {
        var token = new TokenState
        {
            Value = RandomValues.UserToken(),
            Kind = EmulatedTokenKind.User,
            AppId = user.AppId,
            UserId = user.Id,
            IsLongLived = longLived,
            IssuedAt = now,
            ExpiresAt = now + (longLived ? _options.LongLivedTokenLifetime : _options.ShortLivedTokenLifetime),
            DataAccessExpiresAt = user.DataAccessExpiresAt,
            Scopes = scopes ?? user.Scopes,
            MachineId = machineId,
        };
        _tokens[token.Value] = token;
        user.Tokens.Add(token);
        return token;
    }

    /// <summary>A system-user token (<c>POST /{system-user-id}/access_tokens</c>): never expiring, or 60 days for the 60-day kind.</summary>
    public TokenState IssueSystemUserTokenLocked(UserState user, DateTimeOffset now)
    {
        var token = new TokenState
        {
            Value = RandomValues.UserToken(),
            Kind = EmulatedTokenKind.SystemUser,
            AppId = user.AppId,
            UserId = user.Id,
            IsLongLived = true,
            IssuedAt = now,
            ExpiresAt = user.SystemTokensExpire ? now + _options.LongLivedTokenLifetime : null,
            Scopes = user.Scopes,
        };
        _tokens[token.Value] = token;
        user.Tokens.Add(token);
        return token;
    }

    /// <summary>
    /// The person logged in (a code redeemed, a short-lived token minted): their data-access window runs
    /// <see cref="GraphTokenEmulatorOptions.DataAccessLifetime"/> from now, for every token of theirs.
    /// </summary>
    public void ReopenDataAccessLocked(UserState user, DateTimeOffset now)
    {
        if (user.IsSystemUser)
        {
            return;
        }

        user.DataAccessExpiresAt = now + _options.DataAccessLifetime;
        foreach (var token in user.Tokens)
        {
            token.DataAccessExpiresAt = user.DataAccessExpiresAt;
        }
    }

    /// <summary>A new app token from <c>client_credentials</c>: <c>{app-id}|{random}</c>, never expiring.</summary>
    public TokenState IssueAppTokenLocked(AppState app, DateTimeOffset now)
    {
        var token = new TokenState
        {
            Value = app.App.AppId + "|" + RandomValues.AppTokenSuffix(),
            Kind = EmulatedTokenKind.App,
            AppId = app.App.AppId,
            IssuedAt = now,
        };
        _tokens[token.Value] = token;
        return token;
    }

    /// <summary>The page token for a user token and page: Graph hands out the same one each time.</summary>
    public TokenState PageTokenLocked(TokenState userToken, string pageId, DateTimeOffset now)
    {
        if (userToken.PageTokens.TryGetValue(pageId, out var existing))
        {
            return existing;
        }

        // From a long-lived user token a page token never expires; from a short-lived one it ends with it.
        var pageToken = new TokenState
        {
            Value = RandomValues.PageToken(),
            Kind = EmulatedTokenKind.Page,
            AppId = userToken.AppId,
            UserId = userToken.UserId,
            PageId = pageId,
            IsLongLived = userToken.IsLongLived,
            IssuedAt = now,
            ExpiresAt = userToken.IsLongLived ? null : userToken.ExpiresAt,
            DataAccessExpiresAt = userToken.DataAccessExpiresAt,
            Scopes = userToken.Scopes,
        };
        userToken.PageTokens[pageId] = pageToken;
        _tokens[pageToken.Value] = pageToken;
        _users[userToken.UserId!].Tokens.Add(pageToken);
        return pageToken;
    }

    /// <summary>A single-use code: a login code (redeemed with the app secret) or a client code (redeemed on the device without it).</summary>
    public CodeState AddCodeLocked(string appId, string userId, string redirectUri, DateTimeOffset now, bool isClientCode, IReadOnlyList<string>? scopes = null)
    {
        var code = new CodeState
        {
            Value = RandomValues.Code(),
            AppId = appId,
            UserId = userId,
            RedirectUri = redirectUri,
            ExpiresAt = now + _options.CodeLifetime,
            IsClientCode = isClientCode,
            Scopes = scopes,
        };
        _codes[code.Value] = code;
        return code;
    }

    private AppState RequireApp(string? appId) =>
        appId is null ? _apps[DefaultApp.AppId]
        : _apps.TryGetValue(appId, out var app) ? app
        : throw new ArgumentException($"The emulator has no app '{appId}'.", nameof(appId));

    private UserState RequireUser(string userId) =>
        _users.TryGetValue(userId, out var user) ? user : throw new ArgumentException($"The emulator has no user '{userId}'.", nameof(userId));
}
