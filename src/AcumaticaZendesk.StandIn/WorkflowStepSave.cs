namespace AcumaticaZendesk.StandIn;

/// <summary>
/// What daprd has stored for one workflow actor, as far as the size of its next save depends on it: the history keys
/// of the current generation and the custom status (dapr <c>pkg/runtime/wfengine/state/state.go</c>, <c>State</c>).
/// </summary>
public sealed record WorkflowActorState(int HistoryLength, string CustomStatus, bool CustomStatusPersisted)
{
    /// <summary>A created instance before its first step: its <c>ExecutionStarted</c> waits in the inbox.</summary>
    public static readonly WorkflowActorState Created = new(0, string.Empty, false);
}

/// <summary>
/// One orchestration step as daprd applies it to the actor's state before saving.
/// </summary>
/// <param name="InboxKeysConsumed">Inbox keys the step consumed (every new event but timer events, which are never inbox keys).</param>
/// <param name="HistoryEventsAdded">History events the step appended: <c>OrchestratorStarted</c>, the new events, one per
/// scheduling action; after <c>ContinueAsNew</c> the new generation's events (<c>OrchestratorStarted</c>,
/// <c>ExecutionStarted</c>, the carried-over events), which replace the whole history.</param>
/// <param name="ContinuedAsNew">Whether the step ended the generation with <c>ContinueAsNew</c>.</param>
/// <param name="CustomStatus">The custom status after the step (null and empty are stored alike).</param>
public sealed record WorkflowStepChanges(int InboxKeysConsumed, int HistoryEventsAdded, bool ContinuedAsNew, string? CustomStatus);

/// <summary>
/// The one state store transaction daprd saves a workflow step in (dapr <c>pkg/runtime/wfengine/state/state.go</c>
/// <c>GetSaveRequest</c>, through <c>pkg/actors/state/state.go</c> <c>TransactionalStateOperation</c>): a delete per
/// consumed inbox key; an upsert per added history event (key <c>history-{index}</c>); after <c>ContinueAsNew</c>, whose
/// new generation restarts at index 0, a delete of every previous history key beyond the new ones; the custom status
/// when the history changed and the status changed or was never saved; the metadata, always. daprd refuses the whole
/// transaction when it has more operations than the store's <c>MultiMaxSize</c> (<c>ErrTransactionsTooManyOperations</c>).
/// </summary>
public static class WorkflowStepSave
{
    /// <summary>The number of operations of the step's transaction, and the actor's state once it is saved.</summary>
    public static (int Operations, WorkflowActorState After) Plan(WorkflowActorState before, WorkflowStepChanges step)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(step);
        var removed = step.ContinuedAsNew ? before.HistoryLength : 0;
        var historyLength = step.ContinuedAsNew ? step.HistoryEventsAdded : before.HistoryLength + step.HistoryEventsAdded;
        var deletes = Math.Max(0, removed - historyLength);
        var status = step.CustomStatus ?? string.Empty;
        var writesStatus = (step.HistoryEventsAdded > 0 || removed > 0)
            && (!string.Equals(status, before.CustomStatus, StringComparison.Ordinal) || !before.CustomStatusPersisted);
        var operations = step.InboxKeysConsumed + step.HistoryEventsAdded + deletes + (writesStatus ? 1 : 0) + 1;
        return (operations, new WorkflowActorState(historyLength, status, before.CustomStatusPersisted || writesStatus));
    }
}
