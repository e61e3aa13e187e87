using AcumaticaZendesk.Sync.Ports;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>Syncs up to <see cref="SyncPagesRequest.MaxPages"/> pages of one kind through the engine (idempotent, at-least-once).</summary>
public sealed class SyncPageActivity(ISyncEngine engine, IHostApplicationLifetime lifetime, ILogger<SyncPageActivity> logger)
    : WorkflowActivity<SyncPagesRequest, SyncPagesResult>
{
    public override async Task<SyncPagesResult> RunAsync(WorkflowActivityContext context, SyncPagesRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TenantId"] = input.TenantId, ["RunId"] = input.RunId });
        var result = await engine.SyncPagesAsync(input, lifetime.ApplicationStopping).ConfigureAwait(false);
        var counts = result.Counts;
        logger.LogInformation(
            "{Kind} pages of tenant {TenantId}: {Pages} page(s), read {Read}, created {Created}, updated {Updated}, unchanged {Unchanged}, "
                + "failed {Failed}, more {HasMore}",
            input.Kind, input.TenantId, counts.Pages, counts.Read, counts.Created, counts.Updated, counts.Unchanged, counts.Failed, result.HasMore);
        return result;
    }
}
