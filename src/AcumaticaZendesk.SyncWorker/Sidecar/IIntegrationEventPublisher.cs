using AcumaticaZendesk.Contracts;
using Dapr.Client;

namespace AcumaticaZendesk.SyncWorker.Sidecar;

/// <summary>Publishes small integration events to the connector's pub/sub.</summary>
public interface IIntegrationEventPublisher
{
    Task PublishAsync<TEvent>(string topic, TEvent integrationEvent, CancellationToken cancellationToken);
}

/// <summary>Publishes through the Dapr pub/sub component <see cref="DaprNames.Components.PubSub"/> (as CloudEvents).</summary>
public sealed class DaprIntegrationEventPublisher(DaprClient dapr) : IIntegrationEventPublisher
{
    public Task PublishAsync<TEvent>(string topic, TEvent integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return dapr.PublishEventAsync(DaprNames.Components.PubSub, topic, integrationEvent, cancellationToken);
    }
}
