using System.Text.RegularExpressions;

namespace FbTokens.Tests.Conventions;

/// <summary>
/// The library packages' C# sources (src/*, not the CLI app), read from the repository the tests were built from, for
/// the layout rules that reflection cannot see: which folder a file is in, and the packages this project does not
/// reference (Testing, Redis, EF Core).
/// </summary>
internal static partial class RepositorySources
{
    /// <summary>The packages whose layout is checked. The CLI is an app: all of it is internal and it has no public API.</summary>
    private static readonly string[] LibraryProjects = ["FbTokens", "FbTokens.Testing", "FbTokens.Redis", "FbTokens.EntityFrameworkCore"];

    private static readonly Lazy<IReadOnlyList<SourceFile>> Sources = new(Load);

    public static IReadOnlyList<SourceFile> Files => Sources.Value;

    private static List<SourceFile> Load()
    {
        var root = FindRoot();
        var files = new List<SourceFile>();
        foreach (var project in LibraryProjects)
        {
            var dir = Path.Combine(root, "src", project);
            Assert.True(Directory.Exists(dir), dir);
            foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
                {
                    continue;
                }

                files.Add(Parse(relative, File.ReadAllLines(file)));
            }
        }

        Assert.True(files.Count > 100, $"Found only {files.Count} source files under {root}/src.");
        return files;
    }

    private static SourceFile Parse(string path, string[] lines)
    {
        var ns = lines.Select(l => NamespaceLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "";
        var types = new List<DeclaredType>();
        foreach (var line in lines)
        {
            // File-scoped namespaces: a top-level declaration starts in column 0.
            var declaration = TopLevelDeclaration().Match(line);
            if (declaration.Success)
            {
                var modifiers = declaration.Groups["modifiers"].Value;
                types.Add(new DeclaredType(
                    declaration.Groups["name"].Value,
                    declaration.Groups["access"].Success ? declaration.Groups["access"].Value : "internal",
                    declaration.Groups["kind"].Value,
                    modifiers.Contains("static", StringComparison.Ordinal),
                    modifiers.Contains("sealed", StringComparison.Ordinal),
                    modifiers.Contains("abstract", StringComparison.Ordinal),
                    []));
                continue;
            }

            var extension = ExtensionParameter().Match(line);
            if (extension.Success && types.Count > 0)
            {
                var owner = types[^1];
                types[^1] = owner with { ExtendedTypes = [.. owner.ExtendedTypes, extension.Groups[1].Value] };
            }
        }

        return new SourceFile(path, ns, types);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FbTokens.sln")))
            {
                return dir.FullName;
            }
        }

        Assert.Fail($"No FbTokens.sln above {AppContext.BaseDirectory}: the layout tests read the repository's sources.");
        return "";
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;")]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^(?:(?<access>public|internal|file)\s+)?(?<modifiers>(?:(?:static|sealed|abstract|partial|readonly|ref)\s+)*)(?<kind>record\s+struct|record\s+class|record|class|struct|interface|enum)\s+(?<name>\w+)")]
    private static partial Regex TopLevelDeclaration();

    [GeneratedRegex(@"\(\s*this\s+([\w.]+)")]
    private static partial Regex ExtensionParameter();
}

/// <summary>One source file: its repository-relative path (with '/'), its namespace and its top-level types.</summary>
internal sealed record SourceFile(string Path, string Namespace, IReadOnlyList<DeclaredType> Types)
{
    public bool IsInInternalFolder => Path.Contains("/Internal/", StringComparison.Ordinal);

    public bool HasInternalNamespace => Namespace.EndsWith(".Internal", StringComparison.Ordinal);
}

/// <summary>A top-level type as declared in source; <see cref="ExtendedTypes"/> are the <c>this</c> parameters' types.</summary>
internal sealed record DeclaredType(string Name, string Access, string Kind, bool IsStatic, bool IsSealed, bool IsAbstract, IReadOnlyList<string> ExtendedTypes);
