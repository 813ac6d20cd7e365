using System.CommandLine;
using System.Globalization;

namespace FbTokens.Cli;

internal sealed partial class CliCommands
{
    /// <summary>
    /// <c>status</c>: asks <c>debug_token</c>, stores what it says in the in-memory store of this run's own token manager
    /// and prints <see cref="IGraphTokenManager.GetStatusAsync"/>, so that the answer is the library's, not the tool's.
    /// </summary>
    private Command StatusCommand()
    {
        var token = new Argument<string>("token") { Description = "The token to report on (a user, page, app or system-user token)." };
        var required = new Option<string[]>("--required-permissions")
        {
            Description = "Permissions the host needs (TokenManagerOptions.RequiredPermissions), e.g. --required-permissions email,pages_show_list; "
                + "else FbTokens__TokenManager__RequiredPermissions__0, ….",
            AllowMultipleArgumentsPerToken = true,
        };
        var needsPerson = new Option<bool>("--renewal-needs-person")
        {
            Description = "Report the token as the manager stores it once a re-exchange did not move its expiry (StoredToken.RenewalNeedsPerson; "
                + "what field reports say Facebook does to long-lived user tokens, see docs/token-kinds.md). Without it: as freshly stored, before any renewal was tried.",
        };
        var command = new Command(
            "status",
            "The lifecycle status FbTokens would give the token if it were stored (IGraphTokenManager.GetStatusAsync): kind, expiry, "
            + "data-access expiry, who renews it, next action, deadline, missing permissions. Exit code 3 when it is invalid.")
        {
            token, required, needsPerson,
        };
        SetGraphAction(
            command,
            needsSecret: true,
            async (call, graph) =>
            {
                var value = call.Parse.GetRequiredValue(token);
                var info = await graph.Client.DebugTokenAsync(value, call.CancellationToken).ConfigureAwait(false);
                var now = _host.TimeProvider.GetUtcNow();
                var problem = !info.IsValid
                    ? info.Error is { } e ? string.Create(CultureInfo.InvariantCulture, $"{e.Reason} (Graph error {e.Code}/{e.Subcode?.ToString(CultureInfo.InvariantCulture) ?? "-"}) {e.Message}") : "invalid"
                    : !string.Equals(info.AppId, graph.Options.AppId, StringComparison.Ordinal) ? $"it belongs to app {info.AppId}, not to the configured app {graph.Options.AppId}"
                    : null;
                var key = KeyOf(info);
                if (key is null && problem is null)
                {
                    call.Output.Error($"debug_token reports a token of type '{info.Type ?? "-"}' without the id FbTokens would store it under; no status to give.");
                    return ExitCodes.GraphError;
                }

                TokenLifecycleStatus? status = null;
                if (key is not null)
                {
                    var stored = new StoredToken
                    {
                        Key = key,
                        Value = value,
                        ExpiresAt = info.ExpiresAt,
                        DataAccessExpiresAt = info.DataAccessExpiresAt,
                        Scopes = info.Scopes,
                        Status = problem is null ? TokenStatus.Valid : TokenStatus.Invalid,
                        InvalidReason = problem is null ? null : info.Error?.Reason ?? TokenErrorReason.Unknown,
                        IssuedAt = info.IssuedAt ?? now,
                        UpdatedAt = now,
                        OwnerUserId = key.Kind == TokenKind.Page ? info.UserId : null,
                        RenewalNeedsPerson = call.Parse.GetValue(needsPerson),
                    };
                    if (key.Kind != TokenKind.App)
                    {
                        await graph.GetRequired<ITokenStore>().SetAsync(stored, expectedVersion: null, call.CancellationToken).ConfigureAwait(false);
                    }

                    // An app token is never stored: the manager reports the configured app's, which says nothing about a bad one.
                    if (key.Kind != TokenKind.App || problem is null)
                    {
                        status = await graph.GetRequired<IGraphTokenManager>().GetStatusAsync(key, call.CancellationToken).ConfigureAwait(false);
                    }
                }

                PrintStatus(call.Output, value, info, status, problem);
                if (problem is not null)
                {
                    call.Output.Error("the token is invalid: " + problem);
                    return ExitCodes.TokenInvalid;
                }

                return ExitCodes.Success;
            },
            (parse, builder) =>
            {
                var permissions = (parse.GetValue(required) ?? [])
                    .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .ToList();
                builder.AddTokenManager(options =>
                {
                    if (permissions.Count > 0)
                    {
                        options.RequiredPermissions = permissions;
                    }
                });
            });
        return command;
    }

    /// <summary>The key the manager stores the token under, from <c>debug_token</c>'s <c>type</c>; null when it cannot tell.</summary>
    private static TokenKey? KeyOf(DebugTokenResponse info)
    {
        var (kind, subject) = info.Type switch
        {
            "USER" => (TokenKind.User, info.UserId),
            "PAGE" => (TokenKind.Page, info.ProfileId),
            "APP" => (TokenKind.App, info.AppId),
            "SYSTEM_USER" => (TokenKind.SystemUser, info.UserId),
            _ => (TokenKind.User, null),
        };
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        try
        {
            return new TokenKey(kind, subject);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private void PrintStatus(CliOutput output, string token, DebugTokenResponse info, TokenLifecycleStatus? status, string? problem)
    {
        // Without a status (an invalid token FbTokens could not key, or an app token that is not this app's), what the
        // manager does with any unusable token: the person must log in again now.
        var renewedBy = status?.RenewedBy ?? TokenRenewedBy.Person;
        var next = status?.NextAction ?? TokenNextAction.PersonLogin;
        var nextAt = status is null ? _host.TimeProvider.GetUtcNow() : status.NextActionAt;
        var missing = status?.MissingPermissions ?? [];
        if (output.Json)
        {
            output.Write(
                new StatusOutput(
                    output.Token(token), problem is null, status is null ? info.Type : KindText(status.Key.Kind), status?.Key.SubjectId, info.AppId,
                    status?.ExpiresAt ?? info.ExpiresAt, status?.DataAccessExpiresAt ?? info.DataAccessExpiresAt, renewedBy, next, nextAt,
                    status?.Deadline, missing, problem),
                CliJsonContext.Default.StatusOutput);
            return;
        }

        var now = _host.TimeProvider.GetUtcNow();
        string? When(DateTimeOffset? at, string? otherwise) =>
            at is { } t ? $"{TokenText.LocalDate(t, _host.TimeZone)} ({TokenText.Relative(t, now)})" : otherwise;
        var valid = problem is null;
        output.Field("Token", output.Token(token));
        output.Field("Valid", valid ? "True" : "False");
        if (problem is not null)
        {
            output.Field("Reason", problem);
        }

        output.Field("Kind", status is null ? info.Type : KindText(status.Key.Kind));
        output.Field("Key", status?.Key.ToString());
        output.Field("Expires", When(status?.ExpiresAt ?? info.ExpiresAt, valid ? "Never" : null));
        output.Field("Data access expires", When(status?.DataAccessExpiresAt ?? info.DataAccessExpiresAt, valid ? "Never" : null));
        output.Field("Renewed by", RenewedByText(renewedBy));
        output.Field("Next action", NextActionText(next) + (nextAt is { } at && next is not (TokenNextAction.None or TokenNextAction.PersonLogin) ? " at " + When(at, null) : string.Empty));
        output.Field("Deadline", When(status?.Deadline, "None"));
        output.Field("Missing permissions", missing.Count == 0 ? "None" : string.Join(", ", missing));
    }

    private static string KindText(TokenKind kind) => kind switch
    {
        TokenKind.User => "USER",
        TokenKind.Page => "PAGE",
        TokenKind.App => "APP",
        TokenKind.SystemUser => "SYSTEM_USER",
        _ => kind.ToString(),
    };

    private static string RenewedByText(TokenRenewedBy renewedBy) => renewedBy switch
    {
        TokenRenewedBy.Server => "server",
        TokenRenewedBy.Person => "person",
        TokenRenewedBy.NotNeeded => "not needed",
        _ => renewedBy.ToString(),
    };

    private static string NextActionText(TokenNextAction next) => next switch
    {
        TokenNextAction.None => "none",
        TokenNextAction.ServerRenewal => "server renewal",
        TokenNextAction.NotifyPerson => "notify person",
        TokenNextAction.AwaitPersonLogin => "await person login",
        TokenNextAction.PersonLogin => "person login",
        _ => next.ToString(),
    };
}
