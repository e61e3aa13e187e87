using System.Globalization;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Zendesk.Webhooks;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.WebhookReceiver.Webhooks;

/// <summary>
/// <c>POST /webhooks/zendesk/{tenant}</c>: size limit → tenant's signing secret → signature and timestamp window →
/// envelope → first-seen event id → publish a <see cref="ZendeskTicketEvent"/>. The body is never logged.
/// </summary>
public static class ZendeskWebhookEndpoint
{
    public const string Route = "/webhooks/zendesk/{tenant}";

    /// <summary>Longest event id accepted (Zendesk's are ULIDs/UUIDs); the id becomes part of a state key.</summary>
    public const int MaxEventIdLength = 100;

    public static IEndpointRouteBuilder MapZendeskWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, HandleAsync);
        return endpoints;
    }

    internal static async Task<IResult> HandleAsync(
        string tenant,
        HttpRequest request,
        WebhookSecretCache secrets,
        ZendeskWebhookVerifier verifier,
        SeenEventStore seen,
        DaprClient dapr,
        TimeProvider time,
        IOptions<WebhookReceiverOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(ZendeskWebhookEndpoint));
        var o = options.Value;
        var (accepted, refusal) = await TenantWebhook.AcceptAsync(
            "Zendesk webhook", tenant, request, secrets, ReceiverSecretNames.ZendeskSigning(tenant),
            !string.IsNullOrEmpty(request.Headers[ZendeskWebhookVerifier.SignatureHeader])
                && !string.IsNullOrEmpty(request.Headers[ZendeskWebhookVerifier.TimestampHeader]),
            o, time, logger, cancellationToken).ConfigureAwait(false);
        if (accepted is null)
        {
            return refusal!;
        }

        var (body, candidates) = accepted;
        var verdict = candidates
            .Select(
                secret => verifier.Verify(
                    secret,
                    request.Headers[ZendeskWebhookVerifier.SignatureHeader],
                    request.Headers[ZendeskWebhookVerifier.TimestampHeader],
                    body))
            .OrderByDescending(v => v.IsValid)
            .First();
        if (!verdict.IsValid)
        {
            logger.LogWarning("Zendesk webhook for tenant {TenantId} refused: {Failure} ({Reason})", tenant, verdict.Failure, verdict.Reason);
            return Results.Unauthorized();
        }

        ZendeskWebhookEvent envelope;
        try
        {
            envelope = ZendeskWebhookEvent.Parse(body);
        }
        catch (FormatException ex)
        {
            logger.LogWarning("Zendesk webhook for tenant {TenantId} refused: {Reason}", tenant, ex.Message);
            return Results.Problem(detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }

        if (envelope.Id.Length > MaxEventIdLength || envelope.Id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            logger.LogWarning("Zendesk webhook for tenant {TenantId} refused: the event id is not a Zendesk event id", tenant);
            return Results.Problem(
                detail: $"The event 'id' must be at most {MaxEventIdLength} characters without spaces",
                statusCode: StatusCodes.Status400BadRequest);
        }

        if (!string.Equals(envelope.Domain, "ticket", StringComparison.Ordinal))
        {
            logger.LogInformation(
                "Zendesk webhook {EventId} of tenant {TenantId} ignored: {EventType} is not a ticket event",
                envelope.Id,
                tenant,
                envelope.Type);
            return Results.Ok(new WebhookAnswer("ignored", envelope.Id));
        }

        if (envelope.DetailInt64("id") is not { } ticketId || ticketId <= 0)
        {
            logger.LogWarning("Zendesk webhook {EventId} of tenant {TenantId} refused: detail.id is not a ticket id", envelope.Id, tenant);
            return Results.Problem(detail: "The ticket event has no numeric detail.id", statusCode: StatusCodes.Status400BadRequest);
        }

        var now = time.GetUtcNow();
        var integrationEvent = new ZendeskTicketEvent(tenant, envelope.Id, envelope.Type, ticketId, UpdatedAt(envelope), now);
        try
        {
            using var deadline = TenantWebhook.Deadline(o, time, cancellationToken);
            if (!await seen.TryMarkSeenAsync(tenant, envelope.Id, now, deadline.Token).ConfigureAwait(false))
            {
                logger.LogInformation("Zendesk webhook {EventId} of tenant {TenantId} is a redelivery: not published again", envelope.Id, tenant);
                return Results.Ok(new WebhookAnswer("duplicate", envelope.Id));
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Zendesk webhook {EventId} of tenant {TenantId} not accepted: the state store could not be written", envelope.Id, tenant);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (!await TenantWebhook.TryPublishAsync(dapr, DaprNames.Topics.ZendeskTicketEvents, integrationEvent, o, time, logger, tenant, cancellationToken)
                .ConfigureAwait(false))
        {
            await ForgetQuietlyAsync(seen, tenant, envelope.Id, o, time, logger).ConfigureAwait(false);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        logger.LogInformation(
            "Zendesk webhook {EventId} ({EventType}) of tenant {TenantId} published for ticket {TicketId}", envelope.Id, envelope.Type, tenant, ticketId);
        return Results.Ok(new WebhookAnswer("published", envelope.Id));
    }

    /// <summary>The ticket's <c>detail.updated_at</c> when present and valid, else the event time.</summary>
    internal static DateTimeOffset UpdatedAt(ZendeskWebhookEvent envelope) =>
        DateTimeOffset.TryParse(envelope.DetailString("updated_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : envelope.Time.ToUniversalTime();

    private static async Task ForgetQuietlyAsync(
        SeenEventStore seen,
        string tenant,
        string eventId,
        WebhookReceiverOptions o,
        TimeProvider time,
        ILogger logger)
    {
        try
        {
            using var deadline = TenantWebhook.Deadline(o, time, CancellationToken.None);
            await seen.ForgetAsync(tenant, eventId, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogError(
                ex,
                "Could not forget event {EventId} of tenant {TenantId}: a redelivery will be taken as a duplicate until the key expires",
                eventId,
                tenant);
        }
    }
}

/// <summary>What a webhook endpoint did: <c>published</c>, <c>duplicate</c>, <c>ignored</c> or <c>debounced</c>.</summary>
public sealed record WebhookAnswer(string Outcome, string? EventId = null);
