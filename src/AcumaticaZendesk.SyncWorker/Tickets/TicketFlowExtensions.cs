using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.SyncWorker.Tickets;

public static class TicketFlowExtensions
{
    /// <summary>
    /// Ticket context flow: <see cref="TicketContextService"/>, <see cref="TicketExportPass"/>, <see cref="EarlySyncTrigger"/>,
    /// options (<c>TicketFlow</c>). Uses the core's <see cref="TenantRepository"/> and <see cref="AuditTrail"/> (AddSyncCore)
    /// and the connectors' one gate to a tenant's systems (<see cref="Connectors.Gate.TenantClients"/>; AddConnectors).
    /// </summary>
    public static IServiceCollection AddTicketFlow(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TicketFlowOptions>()
            .BindConfiguration(TicketFlowOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<TicketLocks>();
        services.AddSingleton<TicketContextService>();
        services.AddSingleton<TicketExportPass>();
        services.AddSingleton<EarlySyncTrigger>();
        return services;
    }
}
