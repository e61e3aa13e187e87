using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>One ticket change (<see cref="TicketChange.InstanceId"/>): one activity applies it. Deterministic: no I/O, no clock.</summary>
public sealed class TicketContextWorkflow : Workflow<TicketChange, TicketContextResult>
{
    /// <summary>Retries span minutes (the clients retry seconds themselves); the write is idempotent through the marker.</summary>
    public static readonly WorkflowTaskOptions ApplyRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 6,
        firstRetryInterval: TimeSpan.FromSeconds(15),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(10)));

    public override Task<TicketContextResult> RunAsync(WorkflowContext context, TicketChange input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return context.CallActivityAsync<TicketContextResult>(
            nameof(ApplyTicketContextActivity), new TicketContextRequest(input.TenantId, input.TicketId, context.InstanceId), ApplyRetry);
    }
}
