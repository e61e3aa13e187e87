using System.Collections.Concurrent;
using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Model;
using AcumaticaZendesk.Acumatica.Reading;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ClientAuthMode = AcumaticaZendesk.Acumatica.AcumaticaAuthMode;
using TenantAuthMode = AcumaticaZendesk.Sync.Tenants.AcumaticaAuthMode;

namespace AcumaticaZendesk.Connectors.Acumatica;

/// <summary>
/// <see cref="IAcumaticaSource"/> over the Acumatica client. Per tenant it builds the connection from
/// <see cref="TenantConfig.Acumatica"/> and the credentials from the secret store:
/// <list type="bullet">
/// <item><c>authMode: oauth</c> — OAuth client from <c>tenants:{id}:acumatica:client-id|client-secret</c> or
/// <c>oauth:acumatica:client-id|client-secret</c>; with <c>tenants:{id}:acumatica:username|password</c> set it
/// signs in with the password grant (integration user), otherwise it uses the tokens of the authorization-code
/// consent. Either way tokens live encrypted in the state store and every rotation is saved at once.</item>
/// <item><c>authMode: cookie</c> — <c>tenants:{id}:acumatica:username|password</c>, one shared session per tenant.</item>
/// </list>
/// Reads are single pages (<c>ReadPageAsync</c>); the engine keeps the checkpoint. Clients are cached per
/// tenant and rebuilt when its settings or credentials change.
/// </summary>
public sealed partial class AcumaticaSource(
    IAcumaticaClientFactory factory,
    ISecretSource secrets,
    TenantTokens tokens,
    IOptions<ConnectorOptions> options,
    ILogger<AcumaticaSource> logger) : IAcumaticaSource
{
    private readonly ConcurrentDictionary<string, CachedClient> _clients = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<AcumaticaRecord>> ReadPageAsync(
        TenantConfig tenant, EntityKind kind, DateTimeOffset? since, int skip, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return CallAsync(tenant, async client => kind switch
        {
            EntityKind.Customer => Map(kind, await client.ReadPageAsync(Set(AcumaticaEntitySets.Customers, tenant, kind), since, skip, top, cancellationToken).ConfigureAwait(false), AcumaticaRecordMapper.ToAccount),
            EntityKind.Vendor => Map(kind, await client.ReadPageAsync(Set(AcumaticaEntitySets.Vendors, tenant, kind), since, skip, top, cancellationToken).ConfigureAwait(false), AcumaticaRecordMapper.ToAccount),
            EntityKind.Contact => Map(kind, await client.ReadPageAsync(Set(AcumaticaEntitySets.Contacts, tenant, kind), since, skip, top, cancellationToken).ConfigureAwait(false), AcumaticaRecordMapper.ToPerson),
            EntityKind.Employee => Map(kind, await client.ReadPageAsync(Set(AcumaticaEntitySets.Employees, tenant, kind), since, skip, top, cancellationToken).ConfigureAwait(false), AcumaticaRecordMapper.ToPerson),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown entity kind."),
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AcumaticaRecord>> GetByKeysAsync(
        TenantConfig tenant, EntityKind kind, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            return Task.FromResult<IReadOnlyList<AcumaticaRecord>>([]);

        return CallAsync(tenant, client => client.WithSessionAsync((c, ct) => kind switch
        {
            EntityKind.Customer => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Customers, tenant, kind), keys, AcumaticaRecordMapper.ToAccount, ct),
            EntityKind.Vendor => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Vendors, tenant, kind), keys, AcumaticaRecordMapper.ToAccount, ct),
            EntityKind.Contact => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Contacts, tenant, kind), keys, AcumaticaRecordMapper.ToPerson, ct),
            EntityKind.Employee => GetManyAsync(c, kind, Set(AcumaticaEntitySets.Employees, tenant, kind), keys, AcumaticaRecordMapper.ToPerson, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown entity kind."),
        }, cancellationToken), cancellationToken);
    }

    /// <summary>Drops the cached client of a tenant (after its settings or credentials changed).</summary>
    public void Forget(string tenantId) => _clients.TryRemove(tenantId, out _);

    private static AcumaticaEntitySet<T> Set<T>(AcumaticaEntitySet<T> set, TenantConfig tenant, EntityKind kind)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity => AcumaticaRecordMapper.ForTenant(set, tenant, kind);

    /// <summary>The page's records, and a <see cref="RefusedAcumaticaRecord"/> in place of every row the client refused.</summary>
    private static IReadOnlyList<AcumaticaRecord> Map<T, TRecord>(EntityKind kind, AcumaticaPage<T> page, Func<T, TRecord> map)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
        where TRecord : AcumaticaRecord =>
        [.. page.Items.Select(i => MapOrRefuse(kind, i, map)), .. page.Rejected.Select(r => AcumaticaRecordMapper.Refused(kind, r))];

    private static AcumaticaRecord MapOrRefuse<T, TRecord>(EntityKind kind, T entity, Func<T, TRecord> map)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
        where TRecord : AcumaticaRecord
    {
        try
        {
            return map(entity);
        }
        catch (InvalidOperationException ex)
        {
            return AcumaticaRecordMapper.Refused(kind, new AcumaticaRejectedRecord(0, entity.Key, entity.Id, entity.LastModified, "MalformedRecord", ex.Message));
        }
    }

    private async Task<IReadOnlyList<AcumaticaRecord>> GetManyAsync<T, TRecord>(
        IAcumaticaClient client, EntityKind kind, AcumaticaEntitySet<T> set, IReadOnlyCollection<string> keys, Func<T, TRecord> map, CancellationToken cancellationToken)
        where T : AcumaticaEntity, IAcumaticaTrackedEntity
        where TRecord : AcumaticaRecord
    {
        var found = new ConcurrentDictionary<string, AcumaticaRecord>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.ReplayReadConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(keys.Distinct(StringComparer.Ordinal), parallel, async (key, ct) =>
        {
            try
            {
                if (await client.GetAsync(set, key, ct).ConfigureAwait(false) is { } entity)
                    found[key] = MapOrRefuse(kind, entity, map);
            }
            catch (AcumaticaMalformedRecordException ex)
            {
                // Still unreadable: it fails again under the key it was queued with.
                found[key] = AcumaticaRecordMapper.Refused(kind, ex.Record with { Key = key });
            }
        }).ConfigureAwait(false);
        return keys.Distinct(StringComparer.Ordinal).Where(found.ContainsKey).Select(k => found[k]).ToArray();
    }

    private async Task<TResult> CallAsync<TResult>(TenantConfig tenant, Func<IAcumaticaClient, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(client).ConfigureAwait(false);
        }
        catch (AcumaticaAuthenticationException ex) when (ex.NeedsReauthorization)
        {
            Forget(tenant.Id);
            LogNeedsAuthorization(logger, tenant.Id);
            throw new AuthorizationRequiredException(ConnectedSystem.Acumatica, ex.Message, ex);
        }
        catch (AcumaticaVersionMismatchException ex)
        {
            Forget(tenant.Id);
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Acumatica, "acumatica.endpointVersion", ex.Message, ex);
        }
    }

    /// <summary>The tenant's cached client (rebuilt when its settings or credentials change); also used by the ticket flow.</summary>
    public async Task<IAcumaticaClient> GetClientAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var connection = Connection(tenant);
        var credentials = await CredentialsAsync(tenant, cancellationToken).ConfigureAwait(false);
        var mode = credentials.User is not null && credentials.OAuthClient is not null ? ClientAuthMode.OAuthPassword
            : credentials.OAuthClient is not null ? ClientAuthMode.OAuthAuthorizationCode
            : ClientAuthMode.CookieSession;
        connection = connection with { AuthMode = mode };
        if (_clients.TryGetValue(tenant.Id, out var cached) && cached.Connection == connection && cached.Credentials == credentials)
            return cached.Client;

        IAcumaticaClient client;
        try
        {
            client = factory.Create(
                connection,
                credentials,
                mode == ClientAuthMode.CookieSession ? null : new EncryptedAcumaticaTokenStore(tenant.Id, tokens));
        }
        catch (ArgumentException ex)
        {
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Acumatica, "acumatica", ex.Message, ex);
        }

        _clients[tenant.Id] = new CachedClient(connection, credentials, client);
        LogClientCreated(logger, tenant.Id, connection.Endpoint, mode);
        return client;
    }

    private static AcumaticaConnection Connection(TenantConfig tenant)
    {
        var settings = tenant.Acumatica;
        if (!Uri.TryCreate(settings.InstanceUrl, UriKind.Absolute, out var instance))
        {
            throw new ConnectorConfigurationException(tenant.Id, ConnectedSystem.Acumatica, "acumatica.instanceUrl",
                $"'{settings.InstanceUrl}' is not an absolute URL such as https://erp.example.com/AcumaticaERP.");
        }

        return new AcumaticaConnection(instance, settings.EndpointName, settings.EndpointVersion, settings.Company, ClientAuthMode.CookieSession, settings.Branch);
    }

    private async Task<AcumaticaCredentials> CredentialsAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var userName = await secrets.GetSecretAsync(SecretNames.AcumaticaUserName(tenant.Id), cancellationToken).ConfigureAwait(false);
        var password = userName is { Length: > 0 } ? await secrets.GetSecretAsync(SecretNames.AcumaticaPassword(tenant.Id), cancellationToken).ConfigureAwait(false) : null;
        var user = userName is { Length: > 0 } && password is { Length: > 0 } ? new AcumaticaUserCredentials(userName, password) : null;

        if (tenant.Acumatica.AuthMode == TenantAuthMode.Cookie)
        {
            return user is not null
                ? AcumaticaCredentials.ForCookieSession(user)
                : throw Missing(tenant, userName is { Length: > 0 } ? SecretNames.AcumaticaPassword(tenant.Id) : SecretNames.AcumaticaUserName(tenant.Id), "authMode cookie signs in with a user name and password");
        }

        var (clientId, clientSecret) = await secrets.FindOAuthClientAsync(tenant.Id, ConnectedSystem.Acumatica, cancellationToken).ConfigureAwait(false);
        if (clientId is null)
            throw Missing(tenant, SecretNames.OAuthClientId(ConnectedSystem.Acumatica), $"authMode oauth needs the connected application's client id (or '{SecretNames.TenantOAuthClientId(tenant.Id, ConnectedSystem.Acumatica)}')");
        var oauthClient = new AcumaticaOAuthClient(clientId, clientSecret);
        return user is null ? AcumaticaCredentials.ForAuthorizationCode(oauthClient) : AcumaticaCredentials.ForPassword(oauthClient, user);
    }

    private ConnectorConfigurationException Missing(TenantConfig tenant, string secret, string why) =>
        new(tenant.Id, ConnectedSystem.Acumatica, secret, $"{why}; the secret is missing from {SecretLookup.Describe(secrets, secret)}.");

    private sealed record CachedClient(AcumaticaConnection Connection, AcumaticaCredentials Credentials, IAcumaticaClient Client);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acumatica client for tenant {TenantId}: endpoint {Endpoint}, auth {AuthMode}")]
    private static partial void LogClientCreated(ILogger logger, string tenantId, string endpoint, ClientAuthMode authMode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acumatica refused the credentials of tenant {TenantId} and they cannot be renewed; the tenant needs a new authorization")]
    private static partial void LogNeedsAuthorization(ILogger logger, string tenantId);
}
