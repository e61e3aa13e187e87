using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Connectors.Acumatica;
using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Connectors.Gate;

/// <summary>
/// Acumatica per tenant:
/// <list type="bullet">
/// <item><c>authMode: oauth</c> — OAuth client from <c>tenants:{id}:acumatica:client-id|client-secret</c> or
/// <c>oauth:acumatica:client-id|client-secret</c>; with <c>tenants:{id}:acumatica:username|password</c> set it
/// signs in with the password grant (integration user), otherwise it uses the tokens of the authorization-code
/// consent. Either way tokens live encrypted in the state store and every rotation is saved at once.</item>
/// <item><c>authMode: cookie</c> — <c>tenants:{id}:acumatica:username|password</c>, one shared session per tenant.</item>
/// </list>
/// </summary>
public sealed partial class TenantClients
{
    /// <summary>The tenant's cached Acumatica client; throws <see cref="ConnectorConfigurationException"/> naming a bad setting or missing secret.</summary>
    public async Task<IAcumaticaClient> AcumaticaAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var credentials = await AcumaticaCredentialsAsync(tenant, cancellationToken).ConfigureAwait(false);
        var mode = credentials.User is not null && credentials.OAuthClient is not null ? AcumaticaAuthMode.OAuthPassword
            : credentials.OAuthClient is not null ? AcumaticaAuthMode.OAuthAuthorizationCode
            : AcumaticaAuthMode.CookieSession;
        var connection = AcumaticaConnectionFor(tenant) with { AuthMode = mode };
        if (_acumatica.TryGetValue(tenant.Id, out var cached) && cached.Connection == connection && cached.Credentials == credentials)
            return cached.Client;

        IAcumaticaClient client;
        try
        {
            client = acumaticaFactory.Create(
                connection,
                credentials,
                mode == AcumaticaAuthMode.CookieSession ? null : new EncryptedAcumaticaTokenStore(tenant.Id, tokens));
        }
        catch (ArgumentException ex)
        {
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Acumatica, "acumatica", ex.Message, ex);
        }

        _acumatica[tenant.Id] = new CachedAcumatica(connection, credentials, client);
        LogAcumaticaClientCreated(logger, tenant.Id, connection.Endpoint, mode);
        return client;
    }

    /// <summary>
    /// A client that only reads what an instance shows without signing in (<c>GET /entity</c>: the endpoints it offers),
    /// for an instance whose tenant does not exist yet or has no credentials configured. Not cached; the same egress
    /// policy and limits as every Acumatica call.
    /// </summary>
    public IAcumaticaClient AcumaticaAnonymous(Uri instanceUrl)
    {
        ArgumentNullException.ThrowIfNull(instanceUrl);
        var connection = new AcumaticaConnection(instanceUrl, AcumaticaConnection.DefaultEndpointName, AcumaticaConnection.SupportedVersion, "discovery",
            AcumaticaAuthMode.OAuthAuthorizationCode);
        return acumaticaFactory.Create(
            connection,
            AcumaticaCredentials.ForAuthorizationCode(new AcumaticaOAuthClient("(anonymous)", null)),
            new InMemoryAcumaticaTokenStore());
    }

    /// <summary>What an operator's consent needs: the tenant's connection and its OAuth client (the tenant's own, else the shared one).</summary>
    public async Task<(AcumaticaConnection Connection, AcumaticaOAuthClient Client)> AcumaticaConsentAsync(
        TenantConfig tenant,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return (AcumaticaConnectionFor(tenant), await AcumaticaOAuthClientAsync(tenant, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The tenant's Acumatica connection (instance, endpoint, company, branch); throws for an instance URL that is not absolute.</summary>
    public static AcumaticaConnection AcumaticaConnectionFor(TenantConfig tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var settings = tenant.Acumatica;
        if (!Uri.TryCreate(settings.InstanceUrl, UriKind.Absolute, out var instance))
        {
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Acumatica, "acumatica.instanceUrl",
                $"'{settings.InstanceUrl}' is not an absolute URL such as https://erp.example.com/AcumaticaERP.");
        }

        return new AcumaticaConnection(instance, settings.EndpointName, settings.EndpointVersion, settings.Company,
            settings.AuthMode == AcumaticaSignIn.Cookie ? AcumaticaAuthMode.CookieSession : AcumaticaAuthMode.OAuthAuthorizationCode, settings.Branch);
    }

    private async Task<AcumaticaCredentials> AcumaticaCredentialsAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var userName = await secrets.GetSecretAsync(SecretNames.AcumaticaUserName(tenant.Id), cancellationToken).ConfigureAwait(false);
        var password = userName is { Length: > 0 }
            ? await secrets.GetSecretAsync(SecretNames.AcumaticaPassword(tenant.Id), cancellationToken).ConfigureAwait(false)
            : null;
        var user = userName is { Length: > 0 } && password is { Length: > 0 } ? new AcumaticaUserCredentials(userName, password) : null;

        if (tenant.Acumatica.AuthMode == AcumaticaSignIn.Cookie)
        {
            return user is not null
                ? AcumaticaCredentials.ForCookieSession(user)
                : throw MissingSecret(
                    tenant,
                    ConnectedSystem.Acumatica,
                    userName is { Length: > 0 } ? SecretNames.AcumaticaPassword(tenant.Id) : SecretNames.AcumaticaUserName(tenant.Id),
                    "authMode cookie signs in with a user name and password");
        }

        var oauthClient = await AcumaticaOAuthClientAsync(tenant, cancellationToken).ConfigureAwait(false);
        return user is null ? AcumaticaCredentials.ForAuthorizationCode(oauthClient) : AcumaticaCredentials.ForPassword(oauthClient, user);
    }

    private async Task<AcumaticaOAuthClient> AcumaticaOAuthClientAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var (clientId, clientSecret) = await secrets.FindOAuthClientAsync(tenant.Id, ConnectedSystem.Acumatica, cancellationToken).ConfigureAwait(false);
        return clientId is not null
            ? new AcumaticaOAuthClient(clientId, clientSecret)
            : throw MissingSecret(tenant, ConnectedSystem.Acumatica, SecretNames.OAuthClientId(ConnectedSystem.Acumatica),
                $"authMode oauth needs the connected application's client id (or '{SecretNames.TenantOAuthClientId(tenant.Id, ConnectedSystem.Acumatica)}')");
    }

    private ConnectorConfigurationException MissingSecret(TenantConfig tenant, ConnectedSystem system, string secret, string why) =>
        new(tenant.Id, system, secret, $"{why}; the secret is missing from {SecretLookup.Describe(secrets, secret)}.");

    private sealed record CachedAcumatica(AcumaticaConnection Connection, AcumaticaCredentials Credentials, IAcumaticaClient Client);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acumatica client for tenant {TenantId}: endpoint {Endpoint}, auth {AuthMode}")]
    private static partial void LogAcumaticaClientCreated(ILogger logger, string tenantId, string endpoint, AcumaticaAuthMode authMode);
}
