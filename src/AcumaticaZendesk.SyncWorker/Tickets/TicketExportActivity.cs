using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>The incremental-export safety net of one tenant (<see cref="TicketExportPass"/>), run at the end of each sync run.</summary>
public sealed class TicketExportActivity(TicketExportPass pass, IHostApplicationLifetime lifetime)
    : WorkflowActivity<TicketExportRequest, TicketExportResult>
{
    public override Task<TicketExportResult> RunAsync(WorkflowActivityContext context, TicketExportRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return pass.RunAsync(input.TenantId, input.RunId, lifetime.ApplicationStopping);
    }
}
