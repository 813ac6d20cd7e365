using System.Globalization;

namespace FbTokens;

/// <summary>
/// Identifies one stored token: its <see cref="TokenKind"/>, the subject it acts for and, on hosts that serve
/// several Facebook apps, the app it belongs to. Holds no secret, so it is safe to log.
/// </summary>
public sealed record TokenKey
{
    /// <summary>The longest subject or app id accepted; Graph ids are far shorter.</summary>
    public const int MaxIdLength = 128;

    /// <summary>Creates a key.</summary>
    /// <param name="kind">What the token acts for.</param>
    /// <param name="subjectId">The user, page, app or system-user id (digits for Graph ids; any printable text without white space or <c>:</c> is accepted).</param>
    /// <param name="appId">The app the token belongs to, on hosts that serve several apps; null for the configured app.</param>
    /// <exception cref="ArgumentException"><paramref name="subjectId"/> or <paramref name="appId"/> is empty, too long, or holds white space, control characters or <c>:</c>.</exception>
    public TokenKey(TokenKind kind, string subjectId, string? appId = null)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown token kind.");
        }

        CheckId(subjectId, nameof(subjectId));
        if (appId is not null)
        {
            CheckId(appId, nameof(appId));
        }

        Kind = kind;
        SubjectId = subjectId;
        AppId = appId;
    }

    /// <summary>What the token acts for.</summary>
    public TokenKind Kind { get; }

    /// <summary>The user, page, app or system-user id.</summary>
    public string SubjectId { get; }

    /// <summary>The app the token belongs to on multi-app hosts; null for the configured app.</summary>
    public string? AppId { get; }

    /// <summary>The key of a user token.</summary>
    /// <param name="userId">The app-scoped user id.</param>
    /// <param name="appId">The app, on multi-app hosts.</param>
    /// <returns>The key.</returns>
    public static TokenKey ForUser(string userId, string? appId = null) => new(TokenKind.User, userId, appId);

    /// <summary>The key of a page token.</summary>
    /// <param name="pageId">The page id.</param>
    /// <param name="appId">The app, on multi-app hosts.</param>
    /// <returns>The key.</returns>
    public static TokenKey ForPage(string pageId, string? appId = null) => new(TokenKind.Page, pageId, appId);

    /// <summary>The key of an app token.</summary>
    /// <param name="appId">The app id.</param>
    /// <returns>The key.</returns>
    public static TokenKey ForApp(string appId) => new(TokenKind.App, appId);

    /// <summary>The key of a system-user token.</summary>
    /// <param name="systemUserId">The system user's id.</param>
    /// <param name="appId">The app, on multi-app hosts.</param>
    /// <returns>The key.</returns>
    public static TokenKey ForSystemUser(string systemUserId, string? appId = null) => new(TokenKind.SystemUser, systemUserId, appId);

    /// <summary>A stable text form, <c>Kind:subject</c> or <c>Kind:subject@app</c>, usable as a key in an external store.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() =>
        AppId is null
            ? string.Concat(Kind.ToString(), ":", SubjectId)
            : string.Concat(Kind.ToString(), ":", SubjectId, "@", AppId);

    private static void CheckId(string? value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (value.Length > MaxIdLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The id is longer than {MaxIdLength} characters."), paramName);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is ':' or '@')
            {
                throw new ArgumentException("The id must not contain white space, control characters, ':' or '@'.", paramName);
            }
        }
    }
}
