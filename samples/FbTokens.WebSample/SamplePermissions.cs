namespace FbTokens.WebSample;

/// <summary>The permissions the sample asks for.</summary>
public static class SamplePermissions
{
    /// <summary>Asked for in the Login dialog.</summary>
    public static IReadOnlyList<string> Requested { get; } = ["public_profile", "pages_show_list", "pages_read_engagement"];

    /// <summary>Without these Facebook lists none of the person's pages: the home page offers to ask again (auth_type=rerequest).</summary>
    public static IReadOnlyList<string> Required { get; } = ["pages_show_list"];
}
