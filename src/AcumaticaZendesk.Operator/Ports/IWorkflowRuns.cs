using System.Text.Json;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Operator.Ports;

/// <summary>The workflow engine's view of one instance (a run's workflow instance id is its run id).</summary>
/// <param name="InstanceId">Workflow instance id (= run id).</param>
/// <param name="RuntimeStatus">Engine status: <c>running</c>, <c>completed</c>, <c>failed</c>, <c>terminated</c>, <c>pending</c>, <c>suspended</c>.</param>
/// <param name="CustomStatus">The workflow's custom status (progress: kind, page, counts) as JSON, when it set one.</param>
public sealed record WorkflowRunStatus(
    string InstanceId,
    string RuntimeStatus,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? LastUpdatedAt,
    JsonElement? CustomStatus,
    string? FailureMessage);

/// <summary>The window of one kind to sync again: <c>LastModifiedDateTime ge From</c> (null = from the beginning) up to <c>To</c>.</summary>
public sealed record RerunWindow(EntityKind Kind, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>What an operator asked for, recorded with the run (who, why).</summary>
public sealed record RunRequest(string TenantId, string RequestedBy, string? Reason);

/// <summary>
/// The sync workflows, as the operator API drives them. The sync worker implements it over
/// <c>DaprWorkflowClient</c> with deterministic instance ids (e.g. <c>{tenant}-manual-{yyyyMMddTHHmmss}</c>,
/// <c>{tenant}-rerun-{runId}</c>), so <c>dapr workflow</c> CLI commands work alongside.
/// </summary>
public interface IWorkflowRuns
{
    /// <summary>The engine's status of an instance, or null when the engine does not know it (purged, never started).</summary>
    Task<WorkflowRunStatus?> GetStatusAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Starts a normal run now (same workflow as the cron tick); returns its instance id.</summary>
    Task<string> ScheduleRunNowAsync(RunRequest request, CancellationToken cancellationToken);

    /// <summary>Starts a run that re-applies the given windows of a past run (<paramref name="sourceRunId"/>); returns its instance id.</summary>
    Task<string> ScheduleRerunAsync(RunRequest request, string sourceRunId, IReadOnlyList<RerunWindow> windows, CancellationToken cancellationToken);

    /// <summary>Terminates a running instance (the run record is marked terminated by the caller).</summary>
    Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken);
}

/// <summary>Thrown by <see cref="IWorkflowRuns"/> when a run of the tenant is already in progress (answered 409).</summary>
public sealed class RunInProgressException(string tenantId, string? instanceId)
    : Exception($"Tenant '{tenantId}' already has a run in progress{(instanceId is null ? string.Empty : $" ({instanceId})")}.")
{
    public string? InstanceId { get; } = instanceId;
}
