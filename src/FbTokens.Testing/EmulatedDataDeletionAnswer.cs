namespace FbTokens.Testing;

/// <summary>What an app's data-deletion callback answered to <see cref="GraphTokenEmulator.RequestDataDeletionAsync"/>, as Meta requires it: <c>{ "url": …, "confirmation_code": … }</c>.</summary>
/// <param name="Url">The status page the person is shown (<c>url</c>).</param>
/// <param name="ConfirmationCode">The code the person can quote (<c>confirmation_code</c>).</param>
public sealed record EmulatedDataDeletionAnswer(Uri Url, string ConfirmationCode);
