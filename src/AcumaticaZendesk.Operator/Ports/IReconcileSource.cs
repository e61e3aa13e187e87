using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Ports;

/// <summary>
/// Reads every organization and user of the tenant's Zendesk account (cursor pagination) for <c>reconcile</c>.
/// Implemented by the host over the Zendesk client. Read-only.
/// </summary>
public interface IReconcileSource
{
    IAsyncEnumerable<TargetOrganization> ListOrganizationsAsync(TenantConfig tenant, CancellationToken cancellationToken);

    IAsyncEnumerable<TargetUser> ListUsersAsync(TenantConfig tenant, CancellationToken cancellationToken);
}
