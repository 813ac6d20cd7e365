namespace FbTokens.Testing.Internal;

/// <summary>
/// <c>oauth/access_token</c> with a single-use code (<c>grant_type</c> absent or <c>authorization_code</c>): a login
/// code, redeemed with the app secret for a short-lived token, or a client code from <c>oauth/client_code</c>,
/// redeemed on the device without the secret for a long-lived token and a <c>machine_id</c>.
/// </summary>
internal sealed class CodeGrant(EmulatorStore store, RequestAuthenticator auth)
{
    public EmulatorResponse Handle(EmulatorRequest request, CallContext context)
    {
        var codeValue = request.Get("code");
        if (string.IsNullOrEmpty(codeValue))
        {
            return GraphErrors.MissingParameter("code");
        }

        if (auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        var redirectUri = request.Get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return GraphErrors.MissingParameter("redirect_uri");
        }

        if (store.FindCode(codeValue) is not { } code || code.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(100, "Invalid verification code format.");
        }

        // Client codes are redeemed on the device, without the app secret; login codes need it.
        if (!code.IsClientCode && RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        if (code.Used)
        {
            return GraphErrors.OAuth(100, "This authorization code has been used.", 36009);
        }

        if (context.Now >= code.ExpiresAt)
        {
            return GraphErrors.OAuth(100, "This authorization code has expired.", 36007);
        }

        if (!string.Equals(CodeState.NormalizeRedirect(redirectUri), code.RedirectUri, StringComparison.Ordinal))
        {
            return GraphErrors.OAuth(100, "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", 36008);
        }

        code.Used = true;
        var user = store.GetUser(code.UserId);
        return code.IsClientCode ? RedeemClientCode(request, context, user) : RedeemLoginCode(context, user, code.Scopes);
    }

    private EmulatorResponse RedeemLoginCode(CallContext context, UserState user, IReadOnlyList<string>? scopes)
    {
        // A login reopens the 90-day data-access window: every login counts as auth_type=reauthorize (docs/emulator.md).
        store.ReopenDataAccessLocked(user, context.Now);
        var shortLived = store.IssueUserTokenLocked(user, longLived: false, machineId: null, context.Now, scopes);
        context.Token = shortLived;
        return TokenResponses.Bearer(shortLived, context.Now);
    }

    private EmulatorResponse RedeemClientCode(EmulatorRequest request, CallContext context, UserState user)
    {
        var machineId = request.Get("machine_id") is { Length: > 0 } known && user.MachineIds.Contains(known) ? known : RandomValues.MachineId();
        user.MachineIds.Add(machineId);
        var longLived = store.IssueUserTokenLocked(user, longLived: true, machineId, context.Now);
        context.Token = longLived;
        return TokenResponses.Redeemed(longLived, machineId, context.Now);
    }
}
