using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Acumatica;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>The API clients of one tenant, for the ticket flow.</summary>
public interface ITenantClients
{
    Task<ZendeskClient> ZendeskAsync(TenantConfig tenant, CancellationToken cancellationToken);

    Task<IAcumaticaClient> AcumaticaAsync(TenantConfig tenant, CancellationToken cancellationToken);
}

/// <summary>
/// The connectors' per-tenant clients (secrets from the secret store, tokens encrypted in the state store, one cached
/// client per tenant) — the same clients the main flow uses.
/// </summary>
public sealed class ConnectorTenantClients(ZendeskTarget zendesk, AcumaticaSource acumatica) : ITenantClients
{
    public Task<ZendeskClient> ZendeskAsync(TenantConfig tenant, CancellationToken cancellationToken) =>
        zendesk.GetClientAsync(tenant, cancellationToken);

    public Task<IAcumaticaClient> AcumaticaAsync(TenantConfig tenant, CancellationToken cancellationToken) =>
        acumatica.GetClientAsync(tenant, cancellationToken);
}
