using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>Reads the ticket and creates or updates its activity (<see cref="TicketContextService"/>).</summary>
public sealed class ApplyTicketContextActivity(TicketContextService tickets, IHostApplicationLifetime lifetime)
    : WorkflowActivity<TicketContextRequest, TicketContextResult>
{
    public override Task<TicketContextResult> RunAsync(WorkflowActivityContext context, TicketContextRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return tickets.ApplyAsync(input.TenantId, input.TicketId, input.RunId, lifetime.ApplicationStopping);
    }
}
