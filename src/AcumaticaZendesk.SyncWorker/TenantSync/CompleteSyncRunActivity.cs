using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.SyncWorker.Alerts;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Sidecar;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>
/// Ends a run: gives the tenant's run record its final status (<see cref="RunStore.CompleteAsync"/>), releases the
/// tenant's lease (ETag-guarded, only if this run holds it), publishes the run summary on
/// <see cref="DaprNames.Topics.SyncRunCompleted"/> for listeners outside the app (the app itself reads the run record),
/// then evaluates the tenant's alerts (<see cref="TenantAlerts"/>). Idempotent: a retried call finishes the record
/// again with the same status, finds the lease released already, and the alert ledger does not send an open alert again.
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
        // The run record the engine filled page by page (what the operator API shows) gets its final status.
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
