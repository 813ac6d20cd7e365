namespace FbTokens.Internal;

/// <summary>
/// The secret values one request carries (app secret, tokens, codes, proofs), so that anything Graph echoes
/// back can be masked before it reaches an exception message.
/// </summary>
internal sealed class SensitiveValues
{
    private readonly List<string> _values = new(4);

    public void Add(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _values.Add(value);
        }
    }

    public string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var value in _values)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
