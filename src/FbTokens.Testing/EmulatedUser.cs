using System.Text;
using FbTokens.Testing.Internal;

namespace FbTokens.Testing;

/// <summary>A test user created with <see cref="GraphTokenEmulator.CreateTestUser"/>, or a system user created with <see cref="GraphTokenEmulator.CreateSystemUser"/>.</summary>
/// <param name="Id">The app-scoped user id (digits).</param>
/// <param name="Name">The user's name, as <c>me</c> reports it.</param>
/// <param name="AppId">The app the user logged into.</param>
/// <param name="AccessToken">A test user's fresh short-lived token (about 1–2 hours), or a system user's token. Never printed by <see cref="object.ToString"/>.</param>
public sealed record EmulatedUser(string Id, string Name, string AppId, string AccessToken)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Name = ").Append(Name).Append(", AppId = ").Append(AppId)
            .Append(", AccessToken = ").Append(Mask.Token(AccessToken));
        return true;
    }
}
