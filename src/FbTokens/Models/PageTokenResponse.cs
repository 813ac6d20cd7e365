using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>
/// A page the user has a role on, with its page access token, from <c>/{user-id}/accounts</c>. Graph lists some pages
/// without a token (for example when the user's tasks on the page do not include one, or the app lacks a permission):
/// those come with <see cref="HasAccessToken"/> false and an empty <see cref="AccessToken"/>.
/// </summary>
/// <param name="Id">The page id (Graph may send it as a JSON number; it is always given here as its digits).</param>
/// <param name="Name">The page name.</param>
/// <param name="AccessToken">
/// The page access token, or <see cref="string.Empty"/> when Graph listed the page without a usable one (see
/// <see cref="HasAccessToken"/>). Never printed by <see cref="object.ToString"/>.
/// </param>
/// <param name="Category">The page's main category, when Graph sent one.</param>
/// <param name="CategoryList">All of the page's categories (empty when Graph sent none; <c>null</c> entries and categories without an id or name are left out).</param>
/// <param name="Tasks">The tasks the user may perform on the page, e.g. <c>MANAGE</c>, <c>CREATE_CONTENT</c> (empty when Graph sent none; <c>null</c> entries are left out).</param>
public sealed record PageTokenResponse(
    string Id,
    string Name,
    string AccessToken,
    string? Category,
    IReadOnlyList<PageCategory> CategoryList,
    IReadOnlyList<string> Tasks)
{
    /// <summary>
    /// Whether Graph sent a usable page token. False when the <c>/accounts</c> entry had no <c>access_token</c>, or one
    /// that was empty or held white space or control characters; <see cref="AccessToken"/> is then empty and must not be
    /// used or stored.
    /// </summary>
    public bool HasAccessToken => AccessToken.Length > 0;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id)
            .Append(", Name = ").Append(Name)
            .Append(", AccessToken = ").Append(SecretMask.Token(AccessToken))
            .Append(", HasAccessToken = ").Append(HasAccessToken)
            .Append(", Category = ").Append(Category)
            .Append(", CategoryList = [").AppendJoin(", ", CategoryList)
            .Append("], Tasks = [").AppendJoin(", ", Tasks).Append(']');
        return true;
    }
}
