using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Retention;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Sidecar;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>The worker's subscriptions of the ticket flow: ticket events → one workflow per change; change signals → early run.</summary>
public static class TicketFlowEndpoints
{
    public const string TicketEventsRoute = "/subscriptions/zendesk-ticket-events";
    public const string ChangeSignalsRoute = "/subscriptions/acumatica-change-signals";

    private const string ScheduleLockPrefix = "schedule:";

    public static IEndpointRouteBuilder MapTicketFlow(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TicketEventsRoute, OnTicketEventAsync)
            .WithDeadLetteredTopic(DaprNames.Topics.ZendeskTicketEvents);
        endpoints.MapPost(ChangeSignalsRoute, OnChangeSignalAsync)
            .WithDeadLetteredTopic(DaprNames.Topics.AcumaticaChangeSignals);
        return endpoints;
    }

    private static async Task<IResult> OnTicketEventAsync(
        HttpRequest request,
        IDaprWorkflowClient workflows,
        TicketLocks locks,
        WorkflowRetentionLedger retention,
        IOptions<TicketFlowOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TicketFlowEndpoints));
        var evt = await SubscriptionBody.ReadAsync<ZendeskTicketEvent>(request, cancellationToken).ConfigureAwait(false);
        if (evt is null || !TenantIds.IsValid(evt.TenantId) || evt.TicketId <= 0)
        {
            logger.LogWarning("Dropped a ticket event without a valid tenant id or ticket id");
            return SubscriptionBody.Drop;
        }

        var change = new TicketChange(evt.TenantId, evt.TicketId, evt.UpdatedAt, TicketChangeSource.Webhook, evt.EventId);
        // Events of one ticket are scheduled one at a time in this process, and an instance that exists is not scheduled
        // again: two events of one change (Zendesk sends comment_added and status_changed for one update) arrive together.
        // An event that arrives after its change's instance finished gets one follow-up instance (per event id).
        using var held = await locks.AcquireAsync(ScheduleLockPrefix + evt.TenantId, evt.TicketId, cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.SidecarCallTimeout);
        try
        {
            var instanceId = change.InstanceId;
            var existing = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, deadline.Token).ConfigureAwait(false);
            if (existing.Exists && existing.RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated
                && change.FollowUpInstanceId is { } followUp)
            {
                // The change's instance has finished, and this event came later: it may be a change later in the same second
                // (same whole-second version), which the finished instance could not see. One more instance per event id.
                instanceId = followUp;
                existing = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, deadline.Token).ConfigureAwait(false);
            }

            if (existing.Exists)
            {
                logger.LogInformation("Ticket {TicketId} of tenant {TenantId}: {InstanceId} exists already", evt.TicketId, evt.TenantId, instanceId);
                return Results.Ok();
            }

            await workflows.ScheduleNewWorkflowAsync(nameof(TicketContextWorkflow), instanceId, change, startTime: null, deadline.Token)
                .ConfigureAwait(false);
            logger.LogInformation("Ticket {TicketId} of tenant {TenantId}: scheduled {InstanceId}", evt.TicketId, evt.TenantId, instanceId);
            await retention.RecordStartedAsync([instanceId], cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists
            || ex.Status.Detail.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Another replica scheduled the same change first.
            logger.LogInformation("Ticket {TicketId} of tenant {TenantId}: {InstanceId} exists already", evt.TicketId, evt.TenantId, change.InstanceId);
        }

        return Results.Ok();
    }

    private static async Task<IResult> OnChangeSignalAsync(
        HttpRequest request, EarlySyncTrigger trigger, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var signal = await SubscriptionBody.ReadAsync<AcumaticaChangeSignal>(request, cancellationToken).ConfigureAwait(false);
        if (signal is null || !TenantIds.IsValid(signal.TenantId))
        {
            loggers.CreateLogger(typeof(TicketFlowEndpoints)).LogWarning("Dropped a change signal without a valid tenant id");
            return SubscriptionBody.Drop;
        }

        return Results.Ok(await trigger.WakeAsync(signal.TenantId, cancellationToken).ConfigureAwait(false));
    }
}
