namespace FbTokens.Testing;

/// <summary>
/// What the emulated Login dialog (<c>/{version}/dialog/oauth</c>) does on its next request when set with
/// <see cref="GraphTokenEmulator.SetNextLoginDialogOutcome"/>: it answers the <c>GET</c> with the redirect right away,
/// without the consent page, so a test without a browser can follow it.
/// </summary>
public sealed class LoginDialogOutcome
{
    private LoginDialogOutcome(bool isCancelled, IReadOnlyList<string> declinedPermissions)
    {
        IsCancelled = isCancelled;
        DeclinedPermissions = declinedPermissions;
    }

    /// <summary>The person allows every requested permission: the dialog redirects with <c>code</c> and <c>state</c>.</summary>
    public static LoginDialogOutcome Allow { get; } = new(false, []);

    /// <summary>The person cancels: the dialog redirects with <c>error=access_denied&amp;error_code=200&amp;error_description=Permissions+error&amp;error_reason=user_denied</c> and <c>state</c>.</summary>
    public static LoginDialogOutcome Decline { get; } = new(true, []);

    /// <summary>True when the person cancels the dialog.</summary>
    public bool IsCancelled { get; }

    /// <summary>The requested permissions the person unticks; the others are granted.</summary>
    public IReadOnlyList<string> DeclinedPermissions { get; }

    /// <summary>The person logs in but unticks <paramref name="permissions"/>: the dialog redirects with a code, and the permissions show as <c>declined</c> in <c>/me/permissions</c>.</summary>
    /// <param name="permissions">The permissions declined, e.g. <c>pages_manage_posts</c>.</param>
    /// <returns>The outcome.</returns>
    public static LoginDialogOutcome DeclinePermissions(params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        foreach (var permission in permissions)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(permission, nameof(permissions));
        }

        return new(false, permissions.ToArray());
    }
}
