using System.Buffers;
using System.Text;

namespace FbTokens.Internal;

/// <summary>
/// The secret values one request carries (app secret, tokens, codes, proofs), so that any text that came back from
/// the network or from a transport exception can be masked before it reaches an exception message, a log or a tag.
/// </summary>
/// <remarks>
/// Masking works by construction rather than by listing encoders: the text is searched as it is, and again decoded —
/// percent-escapes (UTF-8, either case of hex digit), JSON escapes (<c>\uXXXX</c> in either case, and the short
/// escapes) and, when a secret holds a space, <c>+</c> for a space (form encoding) — with every match mapped back to
/// the text it came from. So the raw, <c>Uri.EscapeDataString</c>, form-encoded and JSON-escaped forms of a secret,
/// and any mix of them, are all masked. The bare app secret inside an app token (<c>appid|secret</c>) is masked on its
/// own too. Overlapping matches are masked as one, so a token is never half-masked by a shorter secret it contains.
/// Searching is linear in practice (vectorized <see cref="MemoryExtensions.IndexOf{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
/// over at most three views of the text).
/// </remarks>
internal sealed class SensitiveValues
{
    private const string Mask = "***";
    private static readonly SearchValues<char> Escapes = SearchValues.Create("%\\+");

    private readonly List<string> _values = new(4);
    private bool _anySpace;

    public void Add(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        Insert(value);

        // An app token is "appid|secret": the app secret can come back on its own.
        var bar = value.LastIndexOf('|');
        if (bar >= 0 && bar < value.Length - 1)
        {
            Insert(value[(bar + 1)..]);
        }
    }

    /// <summary>Whether <paramref name="text"/> holds any secret of the request, in any form.</summary>
    // Stryker disable once Equality,Boolean : a shortcut: without values FindAll finds nothing (and never returns an empty list), and stopping at the first match only saves time
    public bool Taints(string? text) => !string.IsNullOrEmpty(text) && _values.Count > 0 && FindAll(text, stopAtFirst: true) is { Count: > 0 };

    /// <summary><paramref name="text"/> with every secret of the request, in any form, replaced by <c>***</c>; the same
    /// instance when it holds none.</summary>
    public string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text) || _values.Count == 0)
        {
            return text;
        }

        var spans = FindAll(text, stopAtFirst: false);
        if (spans is null)
        {
            return text;
        }

        spans.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var builder = new StringBuilder(text.Length);
        var copied = 0;
        var i = 0;
        while (i < spans.Count)
        {
            var (start, end) = spans[i];
            for (i++; i < spans.Count && spans[i].Start < end; i++)
            {
                end = Math.Max(end, spans[i].End);
            }

            builder.Append(text, copied, start - copied).Append(Mask);
            copied = end;
        }

        return builder.Append(text, copied, text.Length - copied).ToString();
    }

    private void Insert(string value)
    {
        if (!_values.Contains(value))
        {
            _values.Add(value);
            _anySpace |= value.Contains(' ', StringComparison.Ordinal);
        }
    }

    /// <summary>Every match of every secret, as spans of <paramref name="text"/>; null when there is none.</summary>
    private List<(int Start, int End)>? FindAll(string text, bool stopAtFirst)
    {
        List<(int Start, int End)>? spans = null;

        // The text as it is.
        Search(text, null, ref spans, stopAtFirst);
        if ((stopAtFirst && spans is not null) || text.AsSpan().IndexOfAny(Escapes) < 0)
        {
            return spans;
        }

        // Decoded, '+' kept; then, only when a secret holds a space, with '+' as a space.
        var (decoded, sources) = Decode(text, plusIsSpace: false);
        Search(decoded, sources, ref spans, stopAtFirst);
        if (_anySpace && !(stopAtFirst && spans is not null) && text.Contains('+', StringComparison.Ordinal))
        {
            (decoded, sources) = Decode(text, plusIsSpace: true);
            Search(decoded, sources, ref spans, stopAtFirst);
        }

        return spans;
    }

    private void Search(string view, int[]? sources, ref List<(int Start, int End)>? spans, bool stopAtFirst)
    {
        foreach (var value in _values)
        {
            var from = 0;
            while (from <= view.Length - value.Length)
            {
                var found = view.AsSpan(from).IndexOf(value.AsSpan(), StringComparison.Ordinal);
                if (found < 0)
                {
                    break;
                }

                var start = from + found;
                var end = start + value.Length;
                (spans ??= []).Add(sources is null ? (start, end) : (sources[start], sources[end]));
                // Stryker disable once Statement : searching on after the first match only costs time; the caller asks for any
                if (stopAtFirst)
                {
                    return;
                }

                // Overlapping occurrences widen the masked span rather than leave a tail.
                from = start + 1;
            }
        }
    }

    /// <summary>
    /// <paramref name="text"/> with its escapes decoded, and for each decoded character (and the end) the index in
    /// <paramref name="text"/> where it starts. An escape that is not well formed stays as it is.
    /// </summary>
    private static (string Decoded, int[] Sources) Decode(string text, bool plusIsSpace)
    {
        var decoded = new StringBuilder(text.Length);
        // Stryker disable once Arithmetic : a capacity hint
        var sources = new List<int>(text.Length + 1);
        Span<byte> bytes = stackalloc byte[4];
        Span<char> chars = stackalloc char[2];
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '%' && TryPercentRune(text, i, bytes, out var rune, out var length))
            {
                var written = rune.EncodeToUtf16(chars);
                for (var k = 0; k < written; k++)
                {
                    decoded.Append(chars[k]);
                    sources.Add(i);
                }

                i += length;
            }
            else if (c == '\\' && TryJsonEscape(text, i, out var unescaped, out length))
            {
                decoded.Append(unescaped);
                sources.Add(i);
                i += length;
            }
            else
            {
                decoded.Append(c == '+' && plusIsSpace ? ' ' : c);
                sources.Add(i);
                i++;
            }
        }

        sources.Add(text.Length);
        return (decoded.ToString(), [.. sources]);
    }

    /// <summary>One character written as percent-escaped UTF-8 (one to four <c>%XX</c>) at <paramref name="at"/>.</summary>
    private static bool TryPercentRune(string text, int at, Span<byte> bytes, out Rune rune, out int length)
    {
        rune = default;
        length = 0;
        var count = 0;
        while (count < 4 && TryHexByte(text, at + (count * 3), out var b))
        {
            bytes[count++] = b;
            var status = Rune.DecodeFromUtf8(bytes[..count], out rune, out var consumed);
            if (status == OperationStatus.Done)
            {
                length = consumed * 3;
                return true;
            }

            // Stryker disable once Statement : reading on past bytes that are already invalid ends in the same replacement character
            if (status != OperationStatus.NeedMoreData)
            {
                break;
            }
        }

        if (count == 0)
        {
            return false;
        }

        // Not valid UTF-8: the first byte alone, as a replacement character (what decoders produce).
        rune = Rune.ReplacementChar;
        length = 3;
        return true;
    }

    private static bool TryHexByte(string text, int at, out byte value)
    {
        value = 0;
        if (at + 2 >= text.Length || text[at] != '%')
        {
            return false;
        }

        var high = HexValue(text[at + 1]);
        var low = HexValue(text[at + 2]);
        if (high < 0 || low < 0)
        {
            return false;
        }

        value = (byte)((high << 4) | low);
        return true;
    }

    private static bool TryJsonEscape(string text, int at, out char value, out int length)
    {
        value = default;
        length = 0;
        if (at + 1 >= text.Length)
        {
            return false;
        }

        var escape = text[at + 1];
        if (escape == 'u')
        {
            if (at + 5 >= text.Length)
            {
                return false;
            }

            var code = 0;
            for (var k = 2; k < 6; k++)
            {
                var digit = HexValue(text[at + k]);
                if (digit < 0)
                {
                    return false;
                }

                code = (code << 4) | digit;
            }

            value = (char)code;
            length = 6;
            return true;
        }

        value = escape switch
        {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'b' => '\b',
            'f' => '\f',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            _ => '\0',
        };
        length = 2;
        return value != '\0';
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
