using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Activities;
using AcumaticaZendesk.SyncWorker.Tickets;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.Workflows;

/// <summary>
/// One tenant's sync run: every entity kind in dependency order (organizations before users), one page per
/// activity call, until the engine reports no more pages; then a finishing activity records the run, releases the
/// tenant's lease and publishes the run summary. Deterministic orchestration only: time from the context, no I/O,
/// no constructor dependencies.
/// </summary>
public sealed class TenantSyncWorkflow : Workflow<TenantSyncInput, SyncRunSummary?>
{
    /// <summary>Customers and vendors (organizations) before contacts and employees (users, which link to them).</summary>
    public static readonly IReadOnlyList<EntityKind> KindOrder =
        [EntityKind.Customer, EntityKind.Vendor, EntityKind.Contact, EntityKind.Employee];

    /// <summary>
    /// Retries of a page span minutes (Polly inside the clients covers seconds). Part of the workflow history:
    /// changing it affects in-flight instances.
    /// </summary>
    public static readonly WorkflowTaskOptions PageRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(30),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(10)));

    /// <summary>Recording the run only talks to the sidecar: retry it longer, it must not be lost.</summary>
    public static readonly WorkflowTaskOptions FinishRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 10,
        firstRetryInterval: TimeSpan.FromSeconds(10),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(5)));

    public override async Task<SyncRunSummary?> RunAsync(WorkflowContext context, TenantSyncInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<TenantSyncWorkflow>();

        var progress = input.Progress ?? SyncProgress.None;
        var kindIndex = input.KindIndex;
        var pagesThisExecution = 0;
        string? error = null;

        while (kindIndex < KindOrder.Count)
        {
            if (pagesThisExecution >= input.PagesPerExecution)
            {
                logger.LogInformation(
                    "Run {RunId} continues as new after {Pages} pages (generation {Generation})",
                    context.InstanceId, pagesThisExecution, input.Generation + 1);
                context.ContinueAsNew(input with { KindIndex = kindIndex, Progress = progress, Generation = input.Generation + 1 });
                return null;
            }

            var kind = KindOrder[kindIndex];
            SyncPageResult page;
            try
            {
                page = await CallPageAsync(context, new SyncPageRequest(input.TenantId, context.InstanceId, kind, input.PageSize));
            }
            catch (WorkflowTaskFailedException ex)
            {
                error = $"{kind} page failed: {ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
                logger.LogError("Run {RunId} stops: {Error}", context.InstanceId, error);
                break;
            }

            pagesThisExecution++;
            progress = progress.Add(page);
            if (page.HasMore && page.Read == 0)
            {
                error = $"{kind}: the sync engine reported more pages but returned an empty one; stopping to avoid a loop";
                logger.LogError("Run {RunId} stops: {Error}", context.InstanceId, error);
                break;
            }

            if (!page.HasMore)
            {
                kindIndex++;
            }

            context.SetCustomStatus(new TenantSyncStatus(
                input.TenantId, kindIndex < KindOrder.Count ? KindOrder[kindIndex] : null, input.Generation, progress));
        }

        var summary = new SyncRunSummary(
            input.TenantId,
            context.InstanceId,
            input.Slot,
            input.StartedAt,
            new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc)),
            error is null ? SyncRunOutcome.Succeeded : SyncRunOutcome.Failed,
            progress,
            error);

        await TicketExportStep.RunAsync(context, input.TenantId, logger);
        await context.CallActivityAsync<bool>(nameof(CompleteSyncRunActivity), summary, FinishRetry);
        context.SetCustomStatus(new TenantSyncStatus(input.TenantId, null, input.Generation, progress));
        return summary;
    }

    /// <summary>
    /// One attempt first: a tenant configuration the system refuses (e.g. an endpoint version removed by an upgrade)
    /// fails the run at once with its message instead of after minutes of retries that cannot succeed. Anything else
    /// gets <see cref="PageRetry"/>.
    /// </summary>
    private static async Task<SyncPageResult> CallPageAsync(WorkflowContext context, SyncPageRequest request)
    {
        try
        {
            return await context.CallActivityAsync<SyncPageResult>(nameof(SyncPageActivity), request);
        }
        catch (WorkflowTaskFailedException ex) when (ex.FailureDetails.ErrorType != typeof(ConnectorConfigurationException).FullName)
        {
            return await context.CallActivityAsync<SyncPageResult>(nameof(SyncPageActivity), request, PageRetry);
        }
    }
}
