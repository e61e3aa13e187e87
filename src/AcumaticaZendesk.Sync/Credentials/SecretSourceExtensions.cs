using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Credentials;

/// <summary>OAuth client credentials of one system for one tenant (ToString redacts the secret).</summary>
public sealed record OAuthClient(string ClientId, string ClientSecret)
{
    public override string ToString() => $"OAuthClient {{ ClientId = {ClientId}, ClientSecret = *** }}";
}

public static class SecretSourceExtensions
{
    /// <summary>The tenant's own OAuth client when configured, else the shared one; throws naming the missing secret.</summary>
    public static async Task<OAuthClient> GetOAuthClientAsync(this ISecretSource secrets, string tenantId, ConnectedSystem system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var id = await FirstAsync(secrets, cancellationToken, SecretNames.TenantOAuthClientId(tenantId, system), SecretNames.OAuthClientId(system)).ConfigureAwait(false);
        var secret = await FirstAsync(secrets, cancellationToken, SecretNames.TenantOAuthClientSecret(tenantId, system), SecretNames.OAuthClientSecret(system)).ConfigureAwait(false);
        return new OAuthClient(id, secret);
    }

    private static async Task<string> FirstAsync(ISecretSource secrets, CancellationToken cancellationToken, params string[] names)
    {
        foreach (var name in names)
        {
            if (await secrets.GetSecretAsync(name, cancellationToken).ConfigureAwait(false) is { Length: > 0 } value)
            {
                return value;
            }
        }

        throw new InvalidOperationException($"None of the secrets {string.Join(", ", names)} is in the secret store.");
    }
}
