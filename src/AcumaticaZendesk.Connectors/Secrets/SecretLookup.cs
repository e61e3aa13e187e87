using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Connectors.Secrets;

/// <summary>A secret the connector needs is not in the store; the message names the secret and the store.</summary>
public sealed class MissingSecretException(string name, string where)
    : Exception($"Secret '{name}' is missing from {where}.")
{
    public string SecretName { get; } = name;
}

internal static class SecretLookup
{
    /// <summary>Where a secret is looked up, for messages (the Dapr store names its component and key).</summary>
    public static string Describe(ISecretSource secrets, string name) =>
        secrets is DaprSecretSource dapr ? dapr.Describe(name) : "the secret store";

    public static async Task<string> RequireSecretAsync(this ISecretSource secrets, string name, CancellationToken cancellationToken) =>
        await secrets.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { Length: > 0 } value
            ? value
            : throw new MissingSecretException(name, Describe(secrets, name));

    /// <summary>
    /// The OAuth client of <paramref name="system"/> for a tenant: the tenant's own id with the tenant's own secret (none
    /// for a public client) when the tenant has an id, else the shared id with the shared secret. Never the shared secret
    /// with the tenant's id, so a tenant's own client cannot carry the secret every other tenant uses. Nulls when
    /// neither id is configured (the caller decides whether that is an error).
    /// </summary>
    public static async Task<(string? ClientId, string? ClientSecret)> FindOAuthClientAsync(
        this ISecretSource secrets, string tenantId, ConnectedSystem system, CancellationToken cancellationToken)
    {
        if (await secrets.FirstAsync(cancellationToken, SecretNames.TenantOAuthClientId(tenantId, system)).ConfigureAwait(false) is { } own)
            return (own, await secrets.FirstAsync(cancellationToken, SecretNames.TenantOAuthClientSecret(tenantId, system)).ConfigureAwait(false));

        var shared = await secrets.FirstAsync(cancellationToken, SecretNames.OAuthClientId(system)).ConfigureAwait(false);
        return shared is null
            ? (null, null)
            : (shared, await secrets.FirstAsync(cancellationToken, SecretNames.OAuthClientSecret(system)).ConfigureAwait(false));
    }

    /// <summary>The first of <paramref name="names"/> that is set, else null.</summary>
    public static async Task<string?> FirstAsync(this ISecretSource secrets, CancellationToken cancellationToken, params string[] names)
    {
        foreach (var name in names)
        {
            if (await secrets.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { Length: > 0 } value)
                return value;
        }

        return null;
    }
}
