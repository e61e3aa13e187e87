using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AuthMode = AcumaticaZendesk.Sync.Tenants.AcumaticaAuthMode;
using ClientAuthMode = AcumaticaZendesk.Acumatica.AcumaticaAuthMode;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>Builds the Acumatica client's connection and credentials for a tenant.</summary>
internal static class TenantAcumatica
{
    public static AcumaticaConnection Connection(TenantConfig tenant) => new(
        new Uri(tenant.Acumatica.InstanceUrl, UriKind.Absolute),
        tenant.Acumatica.EndpointName,
        tenant.Acumatica.EndpointVersion,
        tenant.Acumatica.Company,
        tenant.Acumatica.AuthMode == AuthMode.Cookie ? ClientAuthMode.CookieSession : ClientAuthMode.OAuthAuthorizationCode,
        tenant.Acumatica.Branch);

    public static async Task<AcumaticaOAuthClient> OAuthClientAsync(ISecretSource secrets, string tenantId, CancellationToken cancellationToken)
    {
        var client = await secrets.GetOAuthClientAsync(tenantId, ConnectedSystem.Acumatica, cancellationToken).ConfigureAwait(false);
        return new AcumaticaOAuthClient(client.ClientId, client.ClientSecret);
    }

    /// <summary>Credentials for the tenant's auth mode; throws <see cref="InvalidOperationException"/> naming a missing secret.</summary>
    public static async Task<AcumaticaCredentials> CredentialsAsync(ISecretSource secrets, TenantConfig tenant, CancellationToken cancellationToken)
    {
        if (tenant.Acumatica.AuthMode == AuthMode.Cookie)
        {
            var user = await secrets.GetSecretAsync(SecretNames.AcumaticaUserName(tenant.Id), cancellationToken).ConfigureAwait(false);
            var password = await secrets.GetSecretAsync(SecretNames.AcumaticaPassword(tenant.Id), cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
            {
                throw new InvalidOperationException(
                    $"Cookie sign-in needs the secrets {SecretNames.AcumaticaUserName(tenant.Id)} and {SecretNames.AcumaticaPassword(tenant.Id)}.");
            }

            return AcumaticaCredentials.ForCookieSession(new AcumaticaUserCredentials(user, password));
        }

        // The same choice as the sync's connector: with the tenant's user secrets the OAuth password grant, else the
        // authorization code (tokens from an operator's consent).
        var oauthClient = await OAuthClientAsync(secrets, tenant.Id, cancellationToken).ConfigureAwait(false);
        var userName = await secrets.GetSecretAsync(SecretNames.AcumaticaUserName(tenant.Id), cancellationToken).ConfigureAwait(false);
        var userPassword = userName is { Length: > 0 } ? await secrets.GetSecretAsync(SecretNames.AcumaticaPassword(tenant.Id), cancellationToken).ConfigureAwait(false) : null;
        return userName is { Length: > 0 } && userPassword is { Length: > 0 }
            ? AcumaticaCredentials.ForPassword(oauthClient, new AcumaticaUserCredentials(userName, userPassword))
            : AcumaticaCredentials.ForAuthorizationCode(oauthClient);
    }

    /// <summary>The connection for the credentials <see cref="CredentialsAsync"/> chose (password grant or authorization code).</summary>
    public static AcumaticaConnection Connection(TenantConfig tenant, AcumaticaCredentials? credentials) =>
        credentials is { User: not null, OAuthClient: not null }
            ? Connection(tenant) with { AuthMode = ClientAuthMode.OAuthPassword }
            : Connection(tenant);

    public static TokenSet ToTokenSet(AcumaticaTokenSet tokens) =>
        new(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt, null, tokens.Scope);
}

/// <summary>The Acumatica client's token store over the tenant's encrypted <see cref="TenantTokenStore"/>.</summary>
internal sealed class TenantAcumaticaTokenStore(TenantTokenStore store, string tenantId) : IAcumaticaTokenStore
{
    public async Task<AcumaticaTokenSet?> LoadAsync(CancellationToken cancellationToken)
    {
        var set = await store.GetAsync(tenantId, ConnectedSystem.Acumatica, cancellationToken).ConfigureAwait(false);
        return set is null ? null : new AcumaticaTokenSet(set.AccessToken, set.RefreshToken, set.AccessTokenExpiresAt ?? DateTimeOffset.MinValue, set.Scope);
    }

    public Task SaveAsync(AcumaticaTokenSet tokens, CancellationToken cancellationToken) =>
        store.SaveAsync(tenantId, ConnectedSystem.Acumatica, TenantAcumatica.ToTokenSet(tokens), cancellationToken);
}
