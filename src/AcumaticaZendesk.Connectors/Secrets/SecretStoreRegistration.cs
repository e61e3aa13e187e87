using AcumaticaZendesk.Sync.Ports;
using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.Connectors.Secrets;

public static class SecretStoreRegistration
{
    /// <summary>
    /// Registers <see cref="DaprSecretSource"/> as <see cref="ISecretSource"/> (unless the host registered one first) with
    /// its options from section <c>Connectors:Secrets</c>, validated at start, and a <c>DaprClient</c> when the host has
    /// none (both read DAPR_GRPC_ENDPOINT etc.). The worker's connectors and the webhook receiver call it; a second call
    /// changes nothing.
    /// </summary>
    public static IServiceCollection AddDaprSecretSource(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(DaprSecretSource)))
            return services;

        services.AddOptions<DaprSecretSourceOptions>().Bind(configuration.GetSection(DaprSecretSourceOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new DaprClientBuilder().Build());
        services.TryAddSingleton<DaprSecretSource>();
        services.TryAddSingleton<ISecretSource>(sp => sp.GetRequiredService<DaprSecretSource>());
        return services;
    }
}
