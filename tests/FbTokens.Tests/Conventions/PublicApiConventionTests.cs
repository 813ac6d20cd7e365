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
        var designedForInheritance = new[] { typeof(GraphApiException) };
        var offenders = PublicTypes
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !designedForInheritance.Contains(t))
            .Select(t => t.FullName);

        Assert.Empty(offenders);
    }

    [Fact]
    public void Types_in_Internal_namespaces_are_not_public()
    {
        var offenders = PublicTypes.Where(t => t.Namespace?.Split('.').Contains("Internal") == true).Select(t => t.FullName);

        Assert.Empty(offenders);
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
}
