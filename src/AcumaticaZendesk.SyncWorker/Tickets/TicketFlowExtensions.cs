using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.SyncWorker.Tickets;

public static class TicketFlowExtensions
{
    /// <summary>The ticket context flow; needs AddSyncCore and AddConnectors (<see cref="Connectors.Gate.TenantClients"/>).</summary>
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
