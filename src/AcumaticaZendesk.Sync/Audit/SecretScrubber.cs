using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Sync.Audit;

/// <summary>Keeps credentials out of stored messages: bearer tokens, basic auth, token-like query/form values, cookies.</summary>
public static partial class SecretScrubber
{
    public static string? Scrub(string? message, int maxLength)
    {
        if (message is null)
        {
            return null;
        }

        var scrubbed = BearerRegex().Replace(message, "$1 ***");
        scrubbed = KeyValueRegex().Replace(scrubbed, "$1$2***");
        scrubbed = CookieRegex().Replace(scrubbed, "$1 ***");
        return scrubbed.Length <= maxLength ? scrubbed : scrubbed[..maxLength] + "…";
    }

    [GeneratedRegex(@"\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=:]+", RegexOptions.IgnoreCase)]
    private static partial Regex BearerRegex();

    [GeneratedRegex(
        @"\b(access_token|refresh_token|client_secret|password|api_token|token|code|code_verifier|secret)(\s*[=:]\s*""?)[^\s&""',;}]+",
        RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueRegex();

    [GeneratedRegex(@"\b(Cookie:|Set-Cookie:)\s*[^\r\n]+", RegexOptions.IgnoreCase)]
    private static partial Regex CookieRegex();
}
