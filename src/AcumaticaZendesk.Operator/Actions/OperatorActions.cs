using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Operator.Endpoints;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.Operator.Actions;

/// <summary>
/// The operator's actions on a tenant, one implementation for the API endpoints and the console: the tenant view,
/// run now, rerun, terminate, replay and watermark resets. Callers check access first (<see cref="Auth.OperatorAccess"/>).
/// </summary>
public sealed class OperatorActions
{
    private readonly TenantRepository tenants;
    private readonly CheckpointStore checkpoints;
    private readonly RunStore runs;
    private readonly FailedRecordQueue failed;
    private readonly IWorkflowRuns workflows;
    private readonly ISyncEngine engine;
    private readonly TimeProvider time;
    private readonly TenantTokens tokens;

    public OperatorActions(
        TenantRepository tenants, CheckpointStore checkpoints, RunStore runs, FailedRecordQueue failed, IWorkflowRuns workflows,
        ISyncEngine engine, TimeProvider time, TenantTokens tokens)
    {
        this.tenants = tenants;
        this.checkpoints = checkpoints;
        this.runs = runs;
        this.failed = failed;
        this.workflows = workflows;
        this.engine = engine;
        this.time = time;
        this.tokens = tokens;
    }

    /// <summary>Status, watermarks with history, last run, connections and replay-queue size; null for an unknown tenant.</summary>
    public async Task<TenantView?> ShowAsync(string tenantId, CancellationToken ct)
    {
        var tenant = await tenants.GetAsync(tenantId, ct).ConfigureAwait(false);
        if (tenant is null)
        {
            return null;
        }

        var watermarks = new List<WatermarkView>();
        foreach (var kind in Enum.GetValues<EntityKind>().Where(tenant.IsEnabled))
        {
            watermarks.Add(await WatermarkAsync(tenantId, kind, ct).ConfigureAwait(false));
        }

        var lastRun = (await runs.ListAsync(tenantId, 1, ct).ConfigureAwait(false)).FirstOrDefault();
        var connections = new List<ConnectionView>();
        var store = await tokens.GetStoreAsync(ct).ConfigureAwait(false);
        foreach (var system in Enum.GetValues<ConnectedSystem>())
        {
            var set = await store.GetAsync(tenantId, system, ct).ConfigureAwait(false);
            connections.Add(new ConnectionView(system, set is not null, set?.AccessTokenExpiresAt, set?.Scope));
        }

        var failedCount = (await failed.ListAsync(tenantId, ct).ConfigureAwait(false)).Count;
        return new TenantView(
            tenant.Id, TenantStatus.Of(tenant), tenant.Schedule, tenant.Authorization is { NeedsAuthorization: true }, tenant.Authorization,
            watermarks, lastRun, connections, failedCount, tenant);
    }

    /// <summary>A run: its record and the workflow engine's status; null when the tenant has no such run.</summary>
    public async Task<RunView?> ShowRunAsync(string tenantId, string runId, CancellationToken ct)
    {
        var run = await runs.GetAsync(tenantId, runId, ct).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var status = await workflows.GetStatusAsync(runId, ct).ConfigureAwait(false);
        var earlier = await runs.ListAsync(tenantId, RunEstimate.History, ct).ConfigureAwait(false);
        return new RunView(tenantId, runId, run, status, run.Totals, RunEstimate.Of(run, earlier, time.GetUtcNow()));
    }

    public async Task<OperatorOutcome<RunScheduled>> RunNowAsync(string tenantId, string who, string? reason, CancellationToken ct)
    {
        var tenant = await tenants.GetRequiredAsync(tenantId, ct).ConfigureAwait(false);
        if (!tenant.IsRunnable)
        {
            return OperatorOutcome<RunScheduled>.Refused(StatusCodes.Status409Conflict, "Tenant not runnable",
                $"Tenant '{tenantId}' is {TenantStatus.Of(tenant)}; resume it or connect it again first.");
        }

        return await ScheduleAsync(tenantId, () => workflows.ScheduleRunNowAsync(new RunRequest(tenantId, who, reason), ct), ct).ConfigureAwait(false);
    }

    public async Task<OperatorOutcome<RunScheduled>> RerunAsync(string tenantId, string runId, string who, string? reason, CancellationToken ct)
    {
        var run = await runs.GetAsync(tenantId, runId, ct).ConfigureAwait(false);
        if (run is null)
        {
            return OperatorOutcome<RunScheduled>.Refused(StatusCodes.Status404NotFound, "Not found", $"Tenant '{tenantId}' has no run '{runId}'.");
        }

        var windows = run.Kinds
            .Select(k => (Ok: EntityKinds.TryParse(k.Key, out var kind), Kind: kind, Progress: k.Value))
            .Where(k => k.Ok)
            .OrderBy(k => k.Kind)
            .Select(k => new RerunWindow(k.Kind, k.Progress.FromWatermark, k.Progress.ToWatermark))
            .ToArray();
        if (windows.Length == 0)
        {
            return OperatorOutcome<RunScheduled>.Refused(
                StatusCodes.Status409Conflict,
                "Nothing to rerun",
                $"Run '{runId}' read no kind, so it has no window to apply again.");
        }

        return await ScheduleAsync(tenantId, () =>
            workflows.ScheduleRerunAsync(new RunRequest(tenantId, who, reason), runId, windows, ct), ct).ConfigureAwait(false);
    }

    public async Task<OperatorOutcome<RunView>> TerminateAsync(string tenantId, string runId, string who, string? reason, CancellationToken ct)
    {
        var run = await runs.GetAsync(tenantId, runId, ct).ConfigureAwait(false);
        if (run is null)
        {
            return OperatorOutcome<RunView>.Refused(StatusCodes.Status404NotFound, "Not found", $"Tenant '{tenantId}' has no run '{runId}'.");
        }

        if (run.FinishedAt is not null)
        {
            return OperatorOutcome<RunView>.Refused(StatusCodes.Status409Conflict, "Run finished", $"Run '{runId}' already finished ({run.Status}).");
        }

        var why = $"terminated by {who}: {reason ?? "no reason given"}";
        await workflows.TerminateAsync(runId, why, ct).ConfigureAwait(false);
        var updated = await runs.CompleteAsync(tenantId, runId, RunStatus.Terminated, why, ct).ConfigureAwait(false);
        var status = await workflows.GetStatusAsync(runId, ct).ConfigureAwait(false);
        return OperatorOutcome<RunView>.Done(new RunView(tenantId, runId, updated, status, updated.Totals));
    }

    /// <summary>Replays records (re-read from Acumatica, written to Zendesk) as a run of their own; <paramref name="records"/> null = the whole
    /// queue.</summary>
    public async Task<ReplayView> ReplayAsync(string tenantId, IReadOnlyCollection<RecordRef>? records, CancellationToken ct)
    {
        records ??= (await failed.ListAsync(tenantId, ct).ConfigureAwait(false)).Select(f => new RecordRef(f.Kind, f.Key)).ToArray();
        var runId =
            $"{tenantId}-replay-{time.GetUtcNow():yyyyMMddTHHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}";
        var result = await engine.ReplayAsync(tenantId, runId, records, ct).ConfigureAwait(false);
        if (records.Count > 0)
        {
            await runs.CompleteAsync(tenantId, runId, RunStatus.Completed, null, ct).ConfigureAwait(false);
        }

        return new ReplayView(tenantId, runId, result.Succeeded, result.Failed, result.Items);
    }

    /// <summary>Moves a kind's watermark (null = read everything again), recorded with who and why in the kind's history.</summary>
    public async Task<OperatorOutcome<WatermarkView>> ResetWatermarkAsync(
        string tenantId, string kind, DateTimeOffset? watermark, string who, string? reason, CancellationToken ct)
    {
        if (!EntityKinds.TryParse(kind, out var entityKind))
        {
            return OperatorOutcome<WatermarkView>.Invalid("kind", $"'{kind}' is not one of {EntityKinds.Names}");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return OperatorOutcome<WatermarkView>.Invalid("reason", "is required: say why the watermark is moved (it is recorded with your name)");
        }

        var tenant = await tenants.GetRequiredAsync(tenantId, ct).ConfigureAwait(false);
        if (!tenant.IsEnabled(entityKind))
        {
            return OperatorOutcome<WatermarkView>.Invalid("kind", $"'{kind}' is not synced for tenant '{tenantId}' (see entityKinds)");
        }

        await checkpoints.ResetAsync(tenantId, entityKind, watermark, who, reason.Trim(), ct).ConfigureAwait(false);
        return OperatorOutcome<WatermarkView>.Done(await WatermarkAsync(tenantId, entityKind, ct).ConfigureAwait(false));
    }

    private async Task<OperatorOutcome<RunScheduled>> ScheduleAsync(string tenantId, Func<Task<string>> schedule, CancellationToken ct)
    {
        string instanceId;
        try
        {
            instanceId = await schedule().ConfigureAwait(false);
        }
        catch (RunInProgressException ex)
        {
            return OperatorOutcome<RunScheduled>.Refused(StatusCodes.Status409Conflict, "Run in progress", ex.Message);
        }

        var location = $"{OperatorApi.RoutePrefix}/tenants/{tenantId}/runs/{Uri.EscapeDataString(instanceId)}";
        return OperatorOutcome<RunScheduled>.Done(new RunScheduled(tenantId, instanceId, location), StatusCodes.Status202Accepted);
    }

    private async Task<WatermarkView> WatermarkAsync(string tenantId, EntityKind kind, CancellationToken ct)
    {
        var checkpoint = (await checkpoints.GetAsync(tenantId, kind, ct).ConfigureAwait(false)).Value!;
        var history = await checkpoints.GetHistoryAsync(tenantId, kind, ct).ConfigureAwait(false);
        return new WatermarkView(kind, checkpoint.Watermark, checkpoint.InitialLoadCompleted, checkpoint.WindowStartedAt is not null,
            checkpoint.Skip, checkpoint.LastCommittedAt, checkpoint.LastRunId, history);
    }
}
