using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>
/// Builds the API clients of one tenant (connection from <see cref="TenantConfig"/>, secrets, encrypted tokens).
/// The connectors' per-tenant construction implements it; registering that implementation is the only wiring needed.
/// </summary>
public interface ITenantClients
{
    Task<ZendeskClient> ZendeskAsync(TenantConfig tenant, CancellationToken cancellationToken);

    Task<IAcumaticaClient> AcumaticaAsync(TenantConfig tenant, CancellationToken cancellationToken);
}

/// <summary>Registered until the connectors are: every ticket fails with the reason (and is retried by the export pass later).</summary>
internal sealed class NotWiredTenantClients : ITenantClients
{
    public Task<ZendeskClient> ZendeskAsync(TenantConfig tenant, CancellationToken cancellationToken) => throw NotWired();

    public Task<IAcumaticaClient> AcumaticaAsync(TenantConfig tenant, CancellationToken cancellationToken) => throw NotWired();

    private static InvalidOperationException NotWired() => new(
        $"No {nameof(ITenantClients)} is registered in this build of the sync worker; register the connectors' per-tenant clients before AddSyncWorker");
}
