using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FbTokens.Cli;

/// <summary>
/// Everything the tool prints goes through here: tokens are masked unless <c>--show-tokens</c>, and the app secret is
/// replaced by <c>***</c> in every line, whatever produced it.
/// </summary>
internal sealed class CliOutput(TextWriter stdout, TextWriter stderr, bool json, bool showTokens, bool verbose)
{
    private readonly List<string> _secrets = [];

    public bool Json { get; } = json;

    public bool Verbose { get; } = verbose;

    /// <summary>Registers a value that must never be printed (the app secret).</summary>
    public void Hide(string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && !_secrets.Contains(secret))
        {
            _secrets.Add(secret);
        }
    }

    public string Token(string? value) => showTokens ? Scrub(value ?? string.Empty) : TokenText.Mask(value);

    public void Line(string text = "") => stdout.WriteLine(Scrub(text));

    public void Field(string label, string? value) => Line(string.Create(CultureInfo.InvariantCulture, $"{label,-22}{value ?? "-"}"));

    public void Write<T>(T value, JsonTypeInfo<T> typeInfo) => Line(JsonSerializer.Serialize(value, typeInfo));

    public void Error(string message) => stderr.WriteLine(Scrub("fbtokens: " + OneLine(message)));

    public void ErrorDetails(string details) => stderr.WriteLine(Scrub(details));

    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
