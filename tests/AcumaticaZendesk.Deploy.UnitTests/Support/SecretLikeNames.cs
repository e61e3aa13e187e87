using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Deploy.UnitTests.Support;

/// <summary>Names of settings that hold a secret, so their value must never be a literal.</summary>
internal static partial class SecretLikeNames
{
    // Matches redisPassword, connectionString, masterKey, accessKey, clientSecret, sasToken,
    // ACCOUNT_KEY, ...; not keyPrefix, actorStateStore or azureClientId.
    [GeneratedRegex(
        @"(password|passwd|secret|token|connection[-_]?string"
        + @"|(master|access|account|shared|private|api|client|storage|primary|secondary|signing|encryption)[-_]?key)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretLikeName();

    // Both a Kubernetes object name (DNS subdomain) and a Key Vault secret name (letters, digits, '-').
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,125}[a-z0-9])?$")]
    private static partial Regex ProductionSecretName();

    public static bool IsSecretLike(string name) => SecretLikeName().IsMatch(name);

    /// <summary>
    /// True when <paramref name="name"/> works as a Kubernetes Secret name and a Key Vault secret
    /// name alike (docs/deploy.md, "Secrets": nested local keys become '--'-separated names).
    /// </summary>
    public static bool IsValidProductionSecretName(string name) => ProductionSecretName().IsMatch(name);

    /// <summary>Placeholders the examples use instead of values: empty, or wrapped in angle brackets.</summary>
    public static bool IsPlaceholder(string? value) =>
        string.IsNullOrEmpty(value) || (value.StartsWith('<') && value.EndsWith('>'));
}
