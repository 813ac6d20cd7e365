using FbTokens.Tests.Framework;

namespace FbTokens.WebSample.Tests.Framework;

/// <summary>Asserts that no secret the test saw (tokens, codes, the app secret, signed requests) appears in any log line.</summary>
internal sealed class LeakCheck
{
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);

    /// <summary>Remembers a value that must never be logged (whole, and each part of a signed request).</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        _secrets.Add(secret);
        foreach (var part in secret.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Length >= 16)
            {
                _secrets.Add(part);
            }
        }
    }

    /// <summary>Remembers the signed requests of form bodies <c>signed_request=…</c>.</summary>
    public void AddFormBodies(IEnumerable<string> bodies)
    {
        foreach (var body in bodies)
        {
            foreach (var pair in body.Split('&'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    Add(Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')));
                }
            }
        }
    }

    /// <summary>Remembers every token value in the store now.</summary>
    public async Task AddStoredTokensAsync(ITokenStore store)
    {
        await foreach (var token in store.ListAsync(kind: null))
        {
            Add(token.Value);
        }
    }

    /// <summary>The number of secrets collected (a check with none would prove nothing).</summary>
    public int Count => _secrets.Count;

    /// <summary>Fails when a log line holds a collected secret, or a query parameter or field that carries one.</summary>
    public void AssertNoneIn(CapturingLoggerProvider logs, int minimumSecrets)
    {
        Assert.True(_secrets.Count >= minimumSecrets, $"only {_secrets.Count} secrets were collected: the check would prove little");
        var lines = logs.Entries.Select(e => e.Text).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            foreach (var secret in _secrets)
            {
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"a log line holds a secret ({secret.Length} chars): {Redact(line)}");
            }

            foreach (var marker in (string[])["access_token=", "signed_request=", "client_secret=", "appsecret_proof=", "fb_exchange_token="])
            {
                Assert.False(line.Contains(marker, StringComparison.OrdinalIgnoreCase), $"a log line holds '{marker}': {Redact(line)}");
            }

            // A login code in a URL (?code= or &code=). The data-deletion status page's ?code= is the confirmation code
            // Facebook shows the person: public, not a credential.
            var withoutStatusPage = line.Replace(WebSample.SampleAuth.DataDeletionStatusPath + "?code=", "", StringComparison.Ordinal);
            Assert.False(
                withoutStatusPage.Contains("?code=", StringComparison.OrdinalIgnoreCase) || withoutStatusPage.Contains("&code=", StringComparison.OrdinalIgnoreCase),
                $"a log line holds a login code parameter: {Redact(line)}");
        }
    }

    private string Redact(string line) => _secrets.Aggregate(line, (text, secret) => text.Replace(secret, "<secret>", StringComparison.Ordinal));
}
