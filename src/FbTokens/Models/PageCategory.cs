namespace FbTokens;

/// <summary>One category of a page.</summary>
/// <param name="Id">The category id (Graph may send it as a JSON number; it is always given here as its digits).</param>
/// <param name="Name">The category name.</param>
public sealed record PageCategory(string Id, string Name);
