using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Connectors.Gate;

/// <summary>
/// Zendesk per tenant: the connection from <see cref="TenantConfig.Zendesk"/> (subdomain, optional base URL), the OAuth
/// client from <c>tenants:{id}:zendesk:client-id|client-secret</c> or <c>oauth:zendesk:client-id|client-secret</c>
/// (needed to refresh tokens), and the bearer tokens from the encrypted token store (<c>tokens:{id}:zendesk</c>). With
/// <see cref="ConnectorOptions.ZendeskClientCredentials"/> missing or expiring tokens come from the client_credentials grant.
/// </summary>
public sealed partial class TenantClients
{
    /// <summary>The tenant's cached Zendesk client; throws <see cref="ConnectorConfigurationException"/> for settings that make no connection.</summary>
    public async Task<ZendeskClient> ZendeskAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var connection = await ZendeskConnectionAsync(tenant, options.Value.ZendeskOAuthRedirectUri, cancellationToken).ConfigureAwait(false);
        if (_zendesk.TryGetValue(tenant.Id, out var cached) && cached.Connection == connection)
            return cached.Client;

        var tokenSource = options.Value.ZendeskClientCredentials
            ? new EncryptedZendeskTokenSource(tenant.Id, tokens, clientCredentials, timeProvider, zendeskOptions.Value.TokenRefreshMargin)
            : new EncryptedZendeskTokenSource(tenant.Id, tokens);
        var client = zendeskFactory.Create(connection, tokenSource);
        _zendesk[tenant.Id] = new CachedZendesk(connection, client);
        if (connection.OAuth is null)
            LogNoZendeskOAuthClient(logger, tenant.Id);
        return client;
    }

    /// <summary>What an operator's consent needs: the tenant's connection with its OAuth client and the consent's redirect URI.</summary>
    public async Task<ZendeskConnection> ZendeskConsentAsync(TenantConfig tenant, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var connection = await ZendeskConnectionAsync(tenant, redirectUri, cancellationToken).ConfigureAwait(false);
        return connection.OAuth is not null
            ? connection
            : throw MissingSecret(tenant, ConnectedSystem.Zendesk, SecretNames.OAuthClientId(ConnectedSystem.Zendesk),
                $"the consent needs the Zendesk OAuth client's id (or '{SecretNames.TenantOAuthClientId(tenant.Id, ConnectedSystem.Zendesk)}')");
    }

    private async Task<ZendeskConnection> ZendeskConnectionAsync(TenantConfig tenant, Uri redirectUri, CancellationToken cancellationToken)
    {
        var (clientId, clientSecret) = await secrets.FindOAuthClientAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        try
        {
            var baseUrl = tenant.Zendesk.BaseUrl is { Length: > 0 } b ? new Uri(b, UriKind.Absolute) : null;
            return new ZendeskConnection(tenant.Zendesk.Subdomain, baseUrl, clientId is null ? null : new ZendeskOAuthApp(clientId, clientSecret, redirectUri));
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException)
        {
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Zendesk, "zendesk", ex.Message, ex);
        }
    }

    private sealed record CachedZendesk(ZendeskConnection Connection, ZendeskClient Client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Zendesk OAuth client is configured for tenant {TenantId} (oauth:zendesk:client-id); its access "
        + "token cannot be refreshed")]
    private static partial void LogNoZendeskOAuthClient(ILogger logger, string tenantId);
}
