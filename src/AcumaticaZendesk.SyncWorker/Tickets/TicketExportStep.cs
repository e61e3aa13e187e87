using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>The export pass at the end of a run, under the tenant's lease; its failure is logged, never fails the run.</summary>
public static class TicketExportStep
{
    public static readonly WorkflowTaskOptions ExportRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 3,
        firstRetryInterval: TimeSpan.FromSeconds(30),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(5)));

    public static async Task<TicketExportResult?> RunAsync(WorkflowContext context, string tenantId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await context.CallActivityAsync<TicketExportResult?>(
                nameof(TicketExportActivity), new TicketExportRequest(tenantId, context.InstanceId), ExportRetry);
        }
        catch (WorkflowTaskFailedException ex)
        {
            logger.LogError(
                "Run {RunId}: the ticket export pass failed ({ErrorType}: {Error}); the next run continues from the stored cursor",
                context.InstanceId, ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage);
            return null;
        }
    }
}
