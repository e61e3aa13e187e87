using AcumaticaZendesk.Contracts;
using Dapr;

namespace AcumaticaZendesk.SyncWorker.Sidecar;

/// <summary>
/// Every subscription of the worker sends what it cannot take to <see cref="DaprNames.Topics.DeadLetters"/>: daprd publishes
/// a message there when the app drops it (404 or <c>DROP</c>) or still refuses it after the inbound retries, and then
/// acknowledges it, so a poison message neither loops nor vanishes (dapr <c>pkg/runtime/subscription/subscription.go</c>).
/// </summary>
public static class DeadLetteredTopic
{
    /// <summary>Subscribes the endpoint to <paramref name="topic"/> of the connector's pub/sub, with the dead-letter topic.</summary>
    public static TBuilder WithDeadLetteredTopic<TBuilder>(this TBuilder builder, string topic)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithTopic(new TopicOptions
        {
            PubsubName = DaprNames.Components.PubSub,
            Name = topic,
            DeadLetterTopic = DaprNames.Topics.DeadLetters,
        });
}
