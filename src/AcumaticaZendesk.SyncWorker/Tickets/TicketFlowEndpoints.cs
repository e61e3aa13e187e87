using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>The worker's subscriptions of the ticket flow: ticket events → one workflow per change; change signals → early run.</summary>
public static class TicketFlowEndpoints
{
    public const string TicketEventsRoute = "/subscriptions/zendesk-ticket-events";
    public const string ChangeSignalsRoute = "/subscriptions/acumatica-change-signals";

    public static IEndpointRouteBuilder MapTicketFlow(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TicketEventsRoute, OnTicketEventAsync)
            .WithTopic(DaprNames.Components.PubSub, DaprNames.Topics.ZendeskTicketEvents);
        endpoints.MapPost(ChangeSignalsRoute, OnChangeSignalAsync)
            .WithTopic(DaprNames.Components.PubSub, DaprNames.Topics.AcumaticaChangeSignals);
        return endpoints;
    }

    private static async Task<IResult> OnTicketEventAsync(
        ZendeskTicketEvent evt, IDaprWorkflowClient workflows, IOptions<TicketFlowOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TicketFlowEndpoints));
        if (evt is null || !SyncSlots.IsValidTenantId(evt.TenantId) || evt.TicketId <= 0)
        {
            logger.LogWarning("Dropped a ticket event without a valid tenant id or ticket id");
            return Results.Ok(new { status = "DROP" });
        }

        var change = new TicketChange(evt.TenantId, evt.TicketId, evt.UpdatedAt, TicketChangeSource.Webhook, evt.EventId);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.Value.SidecarCallTimeout);
            await workflows.ScheduleNewWorkflowAsync(nameof(TicketContextWorkflow), change.InstanceId, change, startTime: null, deadline.Token)
                .ConfigureAwait(false);
            logger.LogInformation("Ticket {TicketId} of tenant {TenantId}: scheduled {InstanceId}", evt.TicketId, evt.TenantId, change.InstanceId);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists || ex.Status.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Another event of the same change (e.g. comment_added and status_changed of one update) scheduled it.
            logger.LogInformation("Ticket {TicketId} of tenant {TenantId}: {InstanceId} exists already", evt.TicketId, evt.TenantId, change.InstanceId);
        }

        return Results.Ok();
    }

    private static async Task<IResult> OnChangeSignalAsync(
        AcumaticaChangeSignal signal, EarlySyncTrigger trigger, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (signal is null || !SyncSlots.IsValidTenantId(signal.TenantId))
        {
            loggers.CreateLogger(typeof(TicketFlowEndpoints)).LogWarning("Dropped a change signal without a valid tenant id");
            return Results.Ok(new { status = "DROP" });
        }

        return Results.Ok(await trigger.WakeAsync(signal.TenantId, cancellationToken).ConfigureAwait(false));
    }
}
