namespace AcumaticaZendesk.Contracts;

/// <summary>
/// A verified Zendesk ticket webhook, published by the webhook receiver on
/// <see cref="DaprNames.Topics.ZendeskTicketEvents"/>. Carries only identifiers: the worker reads the ticket itself.
/// </summary>
/// <param name="TenantId">The tenant whose signing secret verified the webhook.</param>
/// <param name="EventId">Zendesk's event id (the envelope's <c>id</c>); the receiver publishes each id at most once.</param>
/// <param name="EventType">E.g. <c>zen:event-type:ticket.status_changed</c>.</param>
/// <param name="TicketId">The ticket (<c>detail.id</c>).</param>
/// <param name="UpdatedAt">The ticket's <c>detail.updated_at</c> (else the event time); one workflow per (tenant, ticket, this).</param>
/// <param name="ReceivedAt">When the receiver accepted the webhook.</param>
public sealed record ZendeskTicketEvent(
    string TenantId,
    string EventId,
    string EventType,
    long TicketId,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ReceivedAt);

/// <summary>
/// "Something changed in Acumatica" for one tenant, published by the webhook receiver on
/// <see cref="DaprNames.Topics.AcumaticaChangeSignals"/> after the push notification's shared secret matched.
/// Nothing from the notification body is carried: polling stays the source of truth.
/// </summary>
public sealed record AcumaticaChangeSignal(string TenantId, DateTimeOffset ReceivedAt);
