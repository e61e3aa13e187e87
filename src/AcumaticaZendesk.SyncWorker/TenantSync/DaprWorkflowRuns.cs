using System.Globalization;
using System.Text.Json;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>The operator API's view of the sync workflows; manual runs and reruns take the same lease as the cron tick.</summary>
public sealed class DaprWorkflowRuns(
    IDaprWorkflowClient workflows,
    SyncCronScheduler scheduler,
    CheckpointStore checkpoints,
    TimeProvider time) : IWorkflowRuns
{
    public async Task<WorkflowRunStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (state is null || !state.Exists)
        {
            return null;
        }

        JsonElement? custom = null;
        if (state.ReadCustomStatusAs<JsonElement?>() is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } element)
        {
            custom = element;
        }

        return new WorkflowRunStatus(
            instanceId,
            state.RuntimeStatus.ToString().ToLowerInvariant(),
            state.CreatedAt,
            state.LastUpdatedAt,
            custom,
            state.FailureDetails?.ErrorMessage);
    }

    public Task<string> ScheduleRunNowAsync(RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ScheduleAsync(request.TenantId, "manual", cancellationToken);
    }

    public async Task<string> ScheduleRerunAsync(
        RunRequest request,
        string sourceRunId,
        IReadOnlyList<RerunWindow> windows,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(windows);
        // Re-reading a window = moving the kind's watermark back to its start; fingerprints make what did not change a no-op.
        foreach (var window in windows)
        {
            await checkpoints.ResetAsync(
                request.TenantId, window.Kind, window.From, request.RequestedBy,
                $"rerun of {sourceRunId}{(string.IsNullOrWhiteSpace(request.Reason) ? "" : $": {request.Reason}")}",
                cancellationToken).ConfigureAwait(false);
        }

        return await ScheduleAsync(request.TenantId, "rerun", cancellationToken).ConfigureAwait(false);
    }

    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken) =>
        workflows.TerminateWorkflowAsync(instanceId, reason, cancellationToken);

    private async Task<string> ScheduleAsync(string tenantId, string kind, CancellationToken cancellationToken)
    {
        var instanceId = SyncSlots.NewInstanceId(tenantId, $"{kind}-{time.GetUtcNow().ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}");
        var result = await scheduler.ScheduleNowAsync(tenantId, instanceId, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            ScheduleOutcome.Scheduled or ScheduleOutcome.AlreadyExists or ScheduleOutcome.DuplicateSlot => result.InstanceId ?? instanceId,
            ScheduleOutcome.RunInProgress or ScheduleOutcome.LostRace => throw new RunInProgressException(tenantId, result.Detail),
            _ => throw new InvalidOperationException($"Run of tenant '{tenantId}' was not scheduled: {result.Outcome} {result.Detail}"),
        };
    }
}
