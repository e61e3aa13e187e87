using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Egress;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Sync.Throughput;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Connectors.Gate;

public static class TenantClientsRegistration
{
    /// <summary>
    /// Registers <see cref="TenantClients"/>, the one gate to every tenant's systems, with what it builds on: the
    /// Acumatica client (section <c>Acumatica:Client</c>), the Zendesk client (section <c>Zendesk</c>; its bulk-job cap from
    /// <c>Sync:Throughput:MaxConcurrentBulkJobs</c>), the
    /// <see cref="EgressPolicy"/> on both (section <c>Egress</c>), the encrypted token stores and the options of section
    /// <c>Connectors</c>, validated at start. Needs an <see cref="Sync.Ports.ISecretSource"/> and an
    /// <see cref="Sync.Ports.IConnectorStateStore"/> from the host. Every app that talks to a tenant's systems calls this; a second call changes nothing.
    /// </summary>
    public static IServiceCollection AddTenantClients(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(TenantClients)))
            return services; // bound once: binding a section twice would add its list items twice

        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddAcumaticaClient(o => configuration.GetSection(AcumaticaClientOptions.SectionName).Bind(o));
        services.AddZendeskClient(o => configuration.GetSection(ZendeskClientOptions.SectionName).Bind(o));
        services.AddThroughputOptions(configuration);
        services.AddOptions<ZendeskClientOptions>()
            .Configure<IOptions<ThroughputOptions>>((zendesk, throughput) => zendesk.MaxConcurrentBulkJobs = throughput.Value.MaxConcurrentBulkJobs);
        services.AddEgressPolicy(configuration);
        services.TryAddSingleton<TenantTokens>();
        services.TryAddSingleton<ZendeskClientCredentialsGrant>();
        services.TryAddSingleton<TenantClients>();
        return services;
    }
}
