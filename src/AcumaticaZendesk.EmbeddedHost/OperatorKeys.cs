namespace AcumaticaZendesk.EmbeddedHost;

/// <summary>
/// The operator API keys found in the secrets file, as the sync worker's <c>Operator:ApiKeys</c> configuration:
/// <c>operator--api-keys--{name}</c> is an admin key, <c>operator--tenant-keys--{tenant}--{name}</c> a key that sees one
/// tenant (the names and scopes <c>ApiKeyOptions.SecretName</c> reads back).
/// </summary>
internal static class OperatorKeys
{
    private const string AdminPrefix = "operator--api-keys--";
    private const string TenantPrefix = "operator--tenant-keys--";

    public static IReadOnlyList<(string Name, string? Tenant)> In(IReadOnlyDictionary<string, string> secrets)
    {
        var keys = new List<(string Name, string? Tenant)>();
        foreach (var secret in secrets.Keys.Order(StringComparer.Ordinal))
        {
            if (secret.StartsWith(AdminPrefix, StringComparison.Ordinal))
            {
                keys.Add((secret[AdminPrefix.Length..], null));
            }
            else if (secret.StartsWith(TenantPrefix, StringComparison.Ordinal)
                && secret[TenantPrefix.Length..].Split(SecretsFile.Separator) is [var tenant, var name])
            {
                keys.Add((name, tenant));
            }
        }

        return keys;
    }

    public static Dictionary<string, string?> AsConfiguration(IReadOnlyList<(string Name, string? Tenant)> keys)
    {
        var configuration = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            configuration[$"Operator:ApiKeys:{i}:Name"] = keys[i].Name;
            configuration[$"Operator:ApiKeys:{i}:Tenant"] = keys[i].Tenant;
        }

        return configuration;
    }
}
