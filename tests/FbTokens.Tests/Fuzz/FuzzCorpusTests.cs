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

    public static TheoryData<string> Operations => new(FuzzOperations.All.Select(o => o.Name));

    /// <summary>The harness itself: Graph's own well-formed answer (served for the odd call too) breaks no check.</summary>
    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_well_formed_answer_passes_every_check(string operation)
    {
        using var normal = FuzzOperations.Get(operation).Normal();
        var body = await normal.Content.ReadAsStringAsync();
        var input = new FuzzInput(operation, 200, [new("Content-Type", "application/json; charset=UTF-8"), new("X-App-Usage", "{\"call_count\":28,\"total_time\":25,\"total_cputime\":25}"), new("x-fb-trace-id", "AWx1b2C3d4E")], FuzzBody.Of(body));

        Assert.Null(await FuzzRunner.RunAsync(input));
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
