using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>A page the user has a role on, with its page access token, from <c>/{user-id}/accounts</c>.</summary>
/// <param name="Id">The page id.</param>
/// <param name="Name">The page name.</param>
/// <param name="AccessToken">The page access token. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="Category">The page's main category, when Graph sent one.</param>
/// <param name="CategoryList">All of the page's categories (empty when Graph sent none).</param>
/// <param name="Tasks">The tasks the user may perform on the page, e.g. <c>MANAGE</c>, <c>CREATE_CONTENT</c> (empty when Graph sent none).</param>
public sealed record PageTokenResponse(
    string Id,
    string Name,
    string AccessToken,
    string? Category,
    IReadOnlyList<PageCategory> CategoryList,
    IReadOnlyList<string> Tasks)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id)
            .Append(", Name = ").Append(Name)
            .Append(", AccessToken = ").Append(SecretMask.Token(AccessToken))
            .Append(", Category = ").Append(Category)
            .Append(", CategoryList = [").AppendJoin(", ", CategoryList)
            .Append("], Tasks = [").AppendJoin(", ", Tasks).Append(']');
        return true;
    }
}

/// <summary>One category of a page.</summary>
/// <param name="Id">The category id.</param>
/// <param name="Name">The category name.</param>
public sealed record PageCategory(string Id, string Name);
