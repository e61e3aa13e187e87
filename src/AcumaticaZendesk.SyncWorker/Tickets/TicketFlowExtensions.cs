using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.SyncWorker.Tickets;

public static class TicketFlowExtensions
{
    /// <summary>
    /// Ticket context flow: <see cref="TicketContextService"/>, <see cref="TicketExportPass"/>, <see cref="EarlySyncTrigger"/>,
    /// options (<c>TicketFlow</c>). Uses the core's <see cref="TenantRepository"/> and <see cref="AuditTrail"/> (added here
    /// with TryAdd when the core is not registered) and an <see cref="ITenantClients"/> (the connectors').
    /// </summary>
    public static IServiceCollection AddTicketFlow(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TicketFlowOptions>()
            .BindConfiguration(TicketFlowOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddZendeskClient();
        services.AddAcumaticaClient();
        services.TryAddSingleton(new AuditRetention());
        services.TryAddSingleton<TenantRepository>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<ITenantClients, NotWiredTenantClients>();
        services.AddSingleton<TicketLocks>();
        services.AddSingleton<TicketContextService>();
        services.AddSingleton<TicketExportPass>();
        services.AddSingleton<EarlySyncTrigger>();
        return services;
    }
}
