namespace FbTokens.WebSample.Tests.Framework;

/// <summary>Where the repository's artifacts go, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    /// <summary>The folder holding FbTokens.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>artifacts/test-results/screenshots, where a failing browser test leaves what the page looked like.</summary>
    public static string Screenshots => Path.Combine(Root, "artifacts", "test-results", "screenshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FbTokens.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FbTokens.sln was not found above {AppContext.BaseDirectory}.");
    }
}
