using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>The size of daprd's save of one workflow step (dapr <c>pkg/runtime/wfengine/state/state.go</c> <c>GetSaveRequest</c>).</summary>
public sealed class WorkflowStepSaveTests
{
    [Fact]
    public void A_step_deletes_its_inbox_keys_and_upserts_its_history_events_the_status_when_it_changed_and_the_metadata()
    {
        // First step: ExecutionStarted leaves the inbox; OrchestratorStarted, ExecutionStarted and two ScheduleTask enter the history.
        var (first, afterFirst) = WorkflowStepSave.Plan(WorkflowActorState.Created, new WorkflowStepChanges(1, 4, false, "{\"kind\":\"Customer\"}"));
        Assert.Equal(1 + 4 + 1 + 1, first);
        Assert.Equal(new WorkflowActorState(4, "{\"kind\":\"Customer\"}", true), afterFirst);

        // Same status again: not written.
        var (second, afterSecond) = WorkflowStepSave.Plan(afterFirst, new WorkflowStepChanges(1, 3, false, "{\"kind\":\"Customer\"}"));
        Assert.Equal(1 + 3 + 1, second);
        Assert.Equal(7, afterSecond.HistoryLength);
    }

    [Fact]
    public void ContinueAsNew_deletes_every_previous_history_key_the_new_generation_does_not_overwrite_in_the_same_transaction()
    {
        var before = new WorkflowActorState(124, "s", true);

        var (operations, after) = WorkflowStepSave.Plan(before, new WorkflowStepChanges(1, 2, true, "s"));

        // 1 inbox delete + 2 upserts (history-0, history-1) + 122 deletes (history-2 … history-123) + metadata.
        Assert.Equal(1 + 2 + 122 + 1, operations);
        Assert.Equal(2, after.HistoryLength);
        Assert.True(operations > FakeStateStore.MaxTransactionOperationsOf(StateStorePersonality.CosmosDb));
        Assert.Null(FakeStateStore.MaxTransactionOperationsOf(StateStorePersonality.PostgreSqlV2));
    }
}
