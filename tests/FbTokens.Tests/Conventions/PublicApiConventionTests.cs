using System.Reflection;

namespace FbTokens.Tests.Conventions;

/// <summary>Keeps the shape of the public API deliberate.</summary>
public sealed class PublicApiConventionTests
{
    private static readonly Assembly Library = typeof(IGraphTokenClient).Assembly;

    private static IEnumerable<Type> PublicTypes => Library.GetExportedTypes();

    [Fact]
    public void Public_classes_are_sealed_or_static_unless_designed_for_inheritance()
    {
        // Interfaces, enums, structs and delegates pass; a class must be sealed (records included) or static, or be
        // listed here as designed for inheritance (abstract ones too).
        var designedForInheritance = new[] { typeof(GraphApiException) };
        var offenders = PublicTypes
            .Where(t => t.IsClass && !t.IsSealed && !designedForInheritance.Contains(t))
            .Select(t => t.FullName);

        Assert.Empty(offenders);
    }

    [Fact]
    public void Public_classes_of_the_other_packages_are_sealed_or_static()
    {
        var offenders = RepositorySources.Files
            .Where(f => !f.Path.StartsWith("src/FbTokens/", StringComparison.Ordinal))
            .SelectMany(f => f.Types.Where(t => t.Access == "public" && (t.Kind is "class" or "record" or "record class") && !t.IsSealed && !t.IsStatic)
                .Select(t => $"{f.Path}: {t.Name}"));

        AssertNone(offenders);
    }

    [Fact]
    public void Types_in_Internal_namespaces_are_not_public()
    {
        var offenders = PublicTypes.Where(t => t.Namespace?.Split('.').Contains("Internal") == true).Select(t => t.FullName);

        Assert.Empty(offenders);
    }

    [Fact]
    public void Internal_types_live_in_an_Internal_folder_under_an_Internal_namespace()
    {
        // DESIGN.md "Packages and layout": public types in their concern folder under FbTokens (FbTokens.Redis, ...);
        // internal types in an Internal/ folder inside their concern folder, under FbTokens.Internal (FbTokens.Redis.Internal, ...).
        static IEnumerable<string> Problems(SourceFile file)
        {
            if (file.Path.StartsWith("src/FbTokens/", StringComparison.Ordinal) && file.Path.Count(c => c == '/') < 3)
            {
                yield return $"{file.Path}: not in a concern folder (Client/, Models/, Errors/, ...)";
            }

            if (file.HasInternalNamespace && !file.IsInInternalFolder)
            {
                yield return $"{file.Path}: namespace {file.Namespace} outside an Internal/ folder";
            }

            if (file.IsInInternalFolder && !file.HasInternalNamespace)
            {
                yield return $"{file.Path}: in an Internal/ folder but namespace {file.Namespace}";
            }

            foreach (var type in file.Types.Where(t => t.Access == "internal" && !file.HasInternalNamespace))
            {
                yield return $"{file.Path}: internal {type.Name} in namespace {file.Namespace}";
            }

            foreach (var type in file.Types.Where(t => t.Access == "public" && (file.HasInternalNamespace || file.IsInInternalFolder)))
            {
                yield return $"{file.Path}: public {type.Name} in {file.Namespace}";
            }
        }

        AssertNone(RepositorySources.Files.SelectMany(Problems));
    }

    [Fact]
    public void Public_type_names_use_only_the_Graph_FacebookLogin_FacebookSignedRequest_and_FbTokens_prefixes()
    {
        // DESIGN.md "1.0 shape", Names: Graph* mirrors the Graph API, FacebookLogin*/FacebookSignedRequest* mirrors
        // Facebook Login, FbTokens* is the library's own plumbing. No Fb* alone, no other Facebook* family.
        static bool Misnamed(string name, bool isInterface)
        {
            var bare = isInterface && name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? name[1..] : name;
            return (bare.StartsWith("Fb", StringComparison.Ordinal) && !bare.StartsWith("FbTokens", StringComparison.Ordinal))
                || (bare.StartsWith("Facebook", StringComparison.Ordinal)
                    && !bare.StartsWith("FacebookLogin", StringComparison.Ordinal)
                    && !bare.StartsWith("FacebookSignedRequest", StringComparison.Ordinal));
        }

        var names = PublicTypes.Select(t => (t.Name, t.IsInterface))
            .Concat(RepositorySources.Files.SelectMany(f => f.Types.Where(t => t.Access == "public").Select(t => (t.Name, IsInterface: t.Kind == "interface"))))
            .Distinct()
            .Where(n => Misnamed(n.Name, n.IsInterface))
            .Select(n => n.Name)
            .ToList();

        AssertNone(names);
    }

    [Fact]
    public void Extension_classes_are_named_for_their_feature_and_the_type_they_extend()
    {
        // {Feature}{ExtendedType}Extensions, the ExtendedType without an interface's I: FbTokensServiceCollectionExtensions,
        // FacebookLoginFbTokensBuilderExtensions, GraphAccessTokenHttpClientBuilderExtensions. One extended type per class.
        static string Bare(string typeName)
        {
            var name = typeName[(typeName.LastIndexOf('.') + 1)..];
            name = name.Split('`', '<')[0];
            return name.Length > 1 && name[0] == 'I' && char.IsUpper(name[1]) ? name[1..] : name;
        }

        static IEnumerable<string> Problems(string name, IReadOnlyCollection<string> extended)
        {
            if (extended.Count == 0)
            {
                if (name.EndsWith("Extensions", StringComparison.Ordinal))
                {
                    yield return $"{name} has no extension methods";
                }

                yield break;
            }

            foreach (var type in extended.Select(Bare).Distinct())
            {
                var suffix = type + "Extensions";
                if (!name.EndsWith(suffix, StringComparison.Ordinal) || name.Length == suffix.Length)
                {
                    yield return $"{name} extends {type}: name it {{Feature}}{suffix}";
                }
            }
        }

        var reflected = PublicTypes
            .Where(t => t.IsAbstract && t.IsSealed)
            .Select(t => (t.Name, Extended: (IReadOnlyCollection<string>)t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute), false))
                .Select(m => m.GetParameters()[0].ParameterType.Name)
                .ToList()));
        var declared = RepositorySources.Files
            .Where(f => !f.Path.StartsWith("src/FbTokens/", StringComparison.Ordinal))
            .SelectMany(f => f.Types.Where(t => t.Access == "public" && t.IsStatic).Select(t => (t.Name, Extended: (IReadOnlyCollection<string>)t.ExtendedTypes)));
        var classes = reflected.Concat(declared).ToList();

        AssertNone(classes.SelectMany(c => Problems(c.Name, c.Extended)));
    }

    [Fact]
    public void Public_types_live_in_the_FbTokens_namespace()
    {
        Assert.All(PublicTypes, t => Assert.StartsWith("FbTokens", t.Namespace, StringComparison.Ordinal));
    }

    [Fact]
    public void Async_methods_end_in_Async_and_take_an_optional_CancellationToken_last()
    {
        var offenders = new List<string>();
        foreach (var type in PublicTypes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var returns = method.ReturnType;
                var isAsync = returns == typeof(Task) || returns == typeof(ValueTask)
                    || (returns.IsGenericType && returns.GetGenericTypeDefinition() is var d
                        && (d == typeof(Task<>) || d == typeof(ValueTask<>) || d == typeof(IAsyncEnumerable<>)));
                // Polly callbacks receive their cancellation token inside Polly's argument types.
                var isPollyCallback = method.GetParameters().Any(p => p.ParameterType.Namespace?.StartsWith("Polly", StringComparison.Ordinal) == true);
                if (!isAsync || method.IsSpecialName || isPollyCallback)
                {
                    continue;
                }

                var parameters = method.GetParameters();
                var last = parameters.LastOrDefault();
                if (!method.Name.EndsWith("Async", StringComparison.Ordinal)
                    || last is null
                    || last.ParameterType != typeof(CancellationToken)
                    || last.Name != "cancellationToken"
                    || (type.IsInterface && !last.HasDefaultValue))
                {
                    offenders.Add($"{type.Name}.{method.Name}");
                }
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void Data_types_are_immutable_records()
    {
        var records = new[]
        {
            typeof(AccessTokenResponse), typeof(LongLivedTokenResponse), typeof(PageTokenResponse), typeof(PageCategory),
            typeof(ClientCodeResponse), typeof(DebugTokenResponse), typeof(GranularScope), typeof(DebugTokenError),
            typeof(GraphError), typeof(GraphUsage), typeof(AppUsage), typeof(BusinessUseCaseUsage), typeof(AdAccountUsage),
            typeof(ReauthenticationRequiredNotice), typeof(TokenRefreshedNotice), typeof(TokenExpiringNotice), typeof(DataAccessExpiringNotice),
            typeof(PermissionsMissingNotice), typeof(TokenLifecycleStatus),
        };

        foreach (var type in records)
        {
            Assert.True(type.IsSealed, type.Name);
            Assert.NotNull(type.GetMethod("<Clone>$"));
            Assert.All(type.GetProperties(), p => Assert.True(p.SetMethod is null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"), $"{type.Name}.{p.Name}"));
        }
    }

    [Fact]
    public void Every_public_member_has_xml_docs()
    {
        // The build enforces it (GenerateDocumentationFile + warnings as errors); this proves the file ships.
        var xml = Path.ChangeExtension(Library.Location, ".xml");

        Assert.True(File.Exists(xml), xml);
        Assert.Contains("M:FbTokens.IGraphTokenClient.ExchangeCodeAsync", File.ReadAllText(xml), StringComparison.Ordinal);
    }

    /// <summary>Fails listing every offender in full (Assert.Empty cuts long strings short).</summary>
    private static void AssertNone(IEnumerable<string> offenders)
    {
        var list = offenders.ToList();
        Assert.True(list.Count == 0, string.Join(Environment.NewLine, list));
    }
}
