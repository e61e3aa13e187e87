using AcumaticaZendesk.Connectors.Egress;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.Connectors.Alerts;

public static class AlertDeliveryRegistration
{
    /// <summary>
    /// Registers <see cref="AlertDelivery"/> with the webhook and e-mail channels (options of section
    /// <c>Alerts:Delivery</c>, validated at start) and the <see cref="EgressPolicy"/> both go through. Needs an
    /// <see cref="Sync.Ports.ISecretSource"/> from the host.
    /// </summary>
    public static IServiceCollection AddAlertDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AlertDeliveryOptions>().Bind(configuration.GetSection(AlertDeliveryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddEgressPolicy(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, WebhookAlertSender>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertChannel, EmailAlertSender>());
        services.TryAddSingleton<AlertDelivery>();
        return services;
    }
}
