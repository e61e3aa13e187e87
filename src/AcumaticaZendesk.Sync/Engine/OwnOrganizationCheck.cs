using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// Whether the last customer page should make sure of the company's own organization: our state knows it, or Acumatica
/// has employees for it. Never fails the customer page; the employee page reports and handles a failed check.
/// </summary>
internal sealed partial class OwnOrganizationCheck(IConnectorStateStore store, IAcumaticaSource source, ILogger<OwnOrganizationCheck> logger)
{
    public async Task<bool> WantedAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var key = StateKeys.OrganizationTarget(tenant.Id, UserMapper.OwnOrganizationExternalId(tenant));
        var known = await store.GetAsync<OrganizationTargetState>(key, cancellationToken).ConfigureAwait(false);
        if (known.Value is not null)
        {
            return true;
        }

        try
        {
            var employees = await source.ReadPageAsync(tenant, EntityKind.Employee, since: null, skip: 0, top: 1, cancellationToken).ConfigureAwait(false);
            return employees.Count > 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEmployeeCheckFailed(tenant.Id, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Tenant {TenantId}: could not check for employees ({ErrorType}); the employee page will make the company organization")]
    private partial void LogEmployeeCheckFailed(string tenantId, string errorType);
}
