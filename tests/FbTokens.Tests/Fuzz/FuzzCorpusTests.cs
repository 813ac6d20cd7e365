namespace FbTokens.Tests.Fuzz;

/// <summary>Replays every input that once broke the client (Fuzz/Corpus/*.json, format in its README.md) with the same checks.</summary>
[Collection(FuzzTestGroup.Name)]
public sealed class FuzzCorpusTests
{
    private static readonly string CorpusFolder = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus");

    public static TheoryData<string> Files =>
        new(Directory.EnumerateFiles(CorpusFolder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Replays(string file)
    {
        var (input, why) = FuzzInput.FromCorpusJson(await File.ReadAllTextAsync(Path.Combine(CorpusFolder, file)));
        var failure = await FuzzRunner.RunAsync(input);
        if (failure is not null)
        {
            Assert.Fail(file + " (" + why + ")\n" + failure);
        }
    }

    [Fact]
    public void The_corpus_is_there_and_every_file_reads()
    {
        var files = Directory.EnumerateFiles(CorpusFolder, "*.json").ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var (input, why) = FuzzInput.FromCorpusJson(File.ReadAllText(file));
            Assert.False(string.IsNullOrWhiteSpace(why), Path.GetFileName(file) + " has no 'why'");
            Assert.Contains(FuzzOperations.All, o => o.Name == input.Operation);
        }
    }
}
