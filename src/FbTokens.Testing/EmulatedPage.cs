namespace FbTokens.Testing;

/// <summary>A page a user has a role on.</summary>
/// <param name="Id">The page id.</param>
/// <param name="Name">The page name.</param>
/// <param name="Category">The main category, e.g. <c>Brand</c>.</param>
/// <param name="CategoryList">All categories, as <c>(id, name)</c> pairs.</param>
/// <param name="Tasks">The user's tasks on the page, e.g. <c>MANAGE</c>, <c>CREATE_CONTENT</c>.</param>
public sealed record EmulatedPage(string Id, string Name, string Category, IReadOnlyList<KeyValuePair<string, string>> CategoryList, IReadOnlyList<string> Tasks);
