using System.Text.RegularExpressions;

namespace AcumaticaZendesk.Sync.Tenants;

/// <summary>
/// The one rule for a tenant id, wherever one arrives. Such an id is a DNS label, part of a workflow instance id, a state
/// key and a secret name (<c>tenants--{id}--…</c> in Key Vault) without any escaping.
/// </summary>
public static partial class TenantIds
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "1-63 lower-case letters, digits or '-', starting with a letter or digit";

    /// <summary>Whether <paramref name="tenantId"/> follows <see cref="Rule"/> (a trailing line break does not).</summary>
    public static bool IsValid(string? tenantId) => tenantId is not null && Pattern().IsMatch(tenantId);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
