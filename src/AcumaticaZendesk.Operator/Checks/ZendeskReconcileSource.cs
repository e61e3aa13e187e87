using System.Runtime.CompilerServices;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>
/// <see cref="IReconcileSource"/> over the tenant's Zendesk client from <see cref="TenantClients"/>: its cursor listings
/// of organizations and users, read-only, streamed, and bounded as every listing of the client is (a repeated cursor or
/// more than <c>Zendesk:MaxListPages</c> pages ends it with <see cref="AcumaticaZendesk.Zendesk.ZendeskBadResponseException"/>).
/// </summary>
internal sealed class ZendeskReconcileSource(TenantClients clients) : IReconcileSource
{
    public async IAsyncEnumerable<TargetOrganization> ListOrganizationsAsync(TenantConfig tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await clients.ZendeskAsync(tenant, cancellationToken).ConfigureAwait(false);
        await foreach (var organization in client.Organizations.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ZendeskCoreRecords.ToCore(organization);
        }
    }

    public async IAsyncEnumerable<TargetUser> ListUsersAsync(TenantConfig tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await clients.ZendeskAsync(tenant, cancellationToken).ConfigureAwait(false);
        await foreach (var user in client.Users.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ZendeskCoreRecords.ToCore(user);
        }
    }
}
