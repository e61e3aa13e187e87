using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.Scheduling;

/// <summary>Whether a run exists (before giving back a lease after a failed start) or has ended (before taking over a held lease).</summary>
public interface IWorkflowRunProbe
{
    Task<bool> ExistsAsync(string instanceId, CancellationToken cancellationToken);

    Task<bool> IsFinishedAsync(string instanceId, CancellationToken cancellationToken);
}

/// <summary>Asks the workflow engine through <see cref="IDaprWorkflowClient"/>.</summary>
public sealed class DaprWorkflowRunProbe(IDaprWorkflowClient workflows) : IWorkflowRunProbe
{
    public async Task<bool> ExistsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        return state is { Exists: true };
    }

    public async Task<bool> IsFinishedAsync(string instanceId, CancellationToken cancellationToken)
    {
        var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
        return !state.Exists || state.RuntimeStatus is WorkflowRuntimeStatus.Completed
            or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated or WorkflowRuntimeStatus.Canceled;
    }
}
