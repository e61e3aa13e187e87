using System.Security.Cryptography;
using System.Text;

namespace AcumaticaZendesk.Sandbox.Infrastructure;

internal static class Tokens
{
    /// <summary>Opaque random token, URL-safe.</summary>
    public static string New(int bytes = 32) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hex(int bytes = 16) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>PKCE S256: BASE64URL(SHA256(ASCII(verifier))).</summary>
    public static string S256(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool PkceMatches(string? challenge, string? method, string? verifier)
    {
        if (string.IsNullOrEmpty(challenge))
        {
            return true;
        }

        if (string.IsNullOrEmpty(verifier))
        {
            return false;
        }

        var computed = string.Equals(method, "plain", StringComparison.Ordinal) ? verifier : S256(verifier);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}
