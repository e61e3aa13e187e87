using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Acumatica;
using AcumaticaZendesk.Connectors.Alerts;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Connectors.Secrets;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.Connectors;

public static class ConnectorsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the adapters the sync core needs besides the state store: <see cref="IAcumaticaSource"/>
    /// (<see cref="AcumaticaSource"/>), <see cref="IZendeskTarget"/> (<see cref="ZendeskTarget"/>), <see cref="ISecretSource"/> (<see
    /// cref="DaprSecretSource"/>, unless one is
    /// registered already) over <see cref="TenantClients"/> (<see cref="TenantClientsRegistration.AddTenantClients"/>: the clients,
    /// the egress policy, the encrypted token stores) and the options of section <c>Connectors:Secrets</c>, validated at start. Needs an <see
    /// cref="IConnectorStateStore"/> and a <c>DaprClient</c> (registered here
    /// when missing) from the host.
    /// </summary>
    public static IServiceCollection AddConnectors(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddTenantClients(configuration);
        services.AddDaprSecretSource(configuration);
        services.AddAlertDelivery(configuration);
        services.TryAddSingleton<AcumaticaSource>();
        services.TryAddSingleton<IAcumaticaSource>(sp => sp.GetRequiredService<AcumaticaSource>());
        services.TryAddSingleton<ZendeskTarget>();
        services.TryAddSingleton<IZendeskTarget>(sp => sp.GetRequiredService<ZendeskTarget>());
        return services;
    }
}
