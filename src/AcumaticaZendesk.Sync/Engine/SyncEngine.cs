using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// The engine's facade. A call that finds the tenant needs a new authorization, or a setting that cannot reach a system,
/// ends the run as failed and answers why (<see cref="SyncPagesResult.StopCause"/>).
/// </summary>
internal sealed partial class SyncEngine(
    PagePipeline pipeline, PagePlanner planner, Replayer replayer, TenantRepository tenants, CheckpointStore checkpoints, RunStore runs,
    ILogger<SyncEngine> logger) : ISyncEngine
{
    public async Task<SyncPagesResult> SyncPagesAsync(SyncPagesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxPages, 1);
        try
        {
            return await pipeline.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthorizationRequiredException ex)
        {
            await tenants.MarkNeedsAuthorizationAsync(request.TenantId, ex.System, ex.Reason, cancellationToken).ConfigureAwait(false);
            LogNeedsAuthorization(request.TenantId, ex.System);
            var why = $"the tenant needs a new {ex.System} authorization ({ex.Reason})";
            return await StopAsync(request, ex.Message, why, RunStopCause.NeedsAuthorization, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorConfigurationException ex)
        {
            LogConfigurationStop(request.TenantId, ex.Setting);
            return await StopAsync(request, ex.Message, ex.Message, RunStopCause.Configuration, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<SyncPlan> PlanPageAsync(PlanPageRequest request, CancellationToken cancellationToken) =>
        planner.PlanPageAsync(request, cancellationToken);

    public Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken) =>
        replayer.ReplayAsync(tenantId, runId, records, cancellationToken);

    public Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken) =>
        replayer.ReplayFailedAsync(tenantId, runId, cancellationToken);

    /// <summary>Ends the run as failed with <paramref name="error"/> and answers nothing done, at the kind's checkpoint.</summary>
    private async Task<SyncPagesResult> StopAsync(SyncPagesRequest request, string error, string why, RunStopCause cause, CancellationToken cancellationToken)
    {
        await runs.CompleteAsync(request.TenantId, request.RunId, RunStatus.Failed, error, cancellationToken).ConfigureAwait(false);
        var (checkpoint, _) = await checkpoints.GetAsync(request.TenantId, request.Kind, cancellationToken).ConfigureAwait(false);
        return new SyncPagesResult(request.Kind, PageResults.NothingDone, false, checkpoint?.Watermark, Stopped: why, StopCause: cause);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant {TenantId} needs a new {System} authorization; marked and stopped, other tenants go on")]
    private partial void LogNeedsAuthorization(string tenantId, ConnectedSystem system);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Tenant {TenantId}'s run stopped: its setting {Setting} does not let the connector reach a system; other tenants go on")]
    private partial void LogConfigurationStop(string tenantId, string setting);
}
