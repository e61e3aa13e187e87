using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.SyncWorker.Alerts;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Sidecar;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>
/// Ends a run: final status in the run record, the tenant's lease released (only if this run holds it), the summary
/// published for listeners outside the app, then alerts evaluated. Idempotent: a retry finishes the record with the same
/// status, finds the lease released, and the alert ledger does not send an open alert again.
/// </summary>
public sealed class CompleteSyncRunActivity(
    SyncLeaseStore leases,
    RunStore runs,
    IIntegrationEventPublisher publisher,
    TenantAlerts alerts,
    IHostApplicationLifetime lifetime,
    ILogger<CompleteSyncRunActivity> logger) : WorkflowActivity<SyncRunSummary, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, SyncRunSummary input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ct = lifetime.ApplicationStopping;
        _ = await runs.CompleteAsync(input.TenantId, input.RunId, StatusOf(input), input.Error, ct).ConfigureAwait(false);
        var released = await leases.ReleaseAsync(input.TenantId, input.RunId, SyncLeaseStatus.Released, ct).ConfigureAwait(false);
        await publisher.PublishAsync(DaprNames.Topics.SyncRunCompleted, input, ct).ConfigureAwait(false);
        logger.LogInformation(
            "Run {RunId} of tenant {TenantId} ended {Outcome} after {Pages} pages (lease released: {Released})",
            input.RunId, input.TenantId, input.Outcome, input.Counts.Pages, released);

        // After the lease is free: sending an alert never delays the tenant's next run, and never fails this one.
        await alerts.EvaluateAsync(input.TenantId, ct).ConfigureAwait(false);
        return released;
    }

    // RunStore turns Completed into CompletedWithFailures itself when records failed.
    private static RunStatus StatusOf(SyncRunSummary run) =>
        run.Outcome == SyncRunOutcome.Failed ? RunStatus.Failed : RunStatus.Completed;
}
