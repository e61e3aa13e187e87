using System.Globalization;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.ServiceDefaults;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>
/// Remembers accepted Zendesk event ids (<c>webhook-seen:{tenant}:{eventId}</c>) with an insert-only write
/// (<see cref="DaprStateWrites.TryInsertStateAsync{T}"/>): the first delivery wins, a redelivery finds the key taken
/// without sending a write the state store would refuse.
/// </summary>
public sealed class SeenEventStore(DaprClient dapr, IOptions<WebhookReceiverOptions> options)
{
    public static string Key(string tenantId, string eventId) => $"webhook-seen:{tenantId}:{eventId}";

    /// <summary>True when this call recorded the id first; false when it was seen before.</summary>
    public Task<bool> TryMarkSeenAsync(string tenantId, string eventId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var ttl = ((long)options.Value.SeenEventRetention.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return dapr.TryInsertStateAsync(
            DaprNames.Components.StateStore, Key(tenantId, eventId), new SeenEvent(at), cancellationToken,
            new Dictionary<string, string> { ["ttlInSeconds"] = ttl });
    }

    /// <summary>Forgets an id whose event could not be published, so Zendesk's retry is accepted.</summary>
    public Task ForgetAsync(string tenantId, string eventId, CancellationToken cancellationToken) =>
        dapr.DeleteStateAsync(DaprNames.Components.StateStore, Key(tenantId, eventId), cancellationToken: cancellationToken);

    private sealed record SeenEvent(DateTimeOffset At);
}
