using Microsoft.DurableTask.Protobuf;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// Reads a step of the stand-in's engine (the work item sent to the app and the app's answer) as daprd would apply it
/// (durabletask-go <c>backend/runtimestate/applier.go</c> <c>Actions</c>; dapr <c>pkg/actors/targets/workflow/orchestrator/run.go</c>).
/// DurableTask.Core's own <c>OrchestratorStarted</c>/<c>OrchestratorCompleted</c> events are not daprd's: daprd adds one
/// <c>OrchestratorStarted</c> per step; a new generation's <c>ExecutionStarted</c> is already in the history daprd saved
/// with the <c>ContinueAsNew</c>.
/// </summary>
public static class WorkflowStepChangesReader
{
    public static WorkflowStepChanges Read(WorkflowActorState before, OrchestratorRequest turn, OrchestratorResponse answer)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(answer);
        var newEvents = turn.NewEvents.Where(e => e.EventTypeCase switch
        {
            HistoryEvent.EventTypeOneofCase.OrchestratorStarted or HistoryEvent.EventTypeOneofCase.OrchestratorCompleted => false,
            HistoryEvent.EventTypeOneofCase.ExecutionStarted => before.HistoryLength == 0,
            _ => true,
        }).ToList();
        var inboxKeys = newEvents.Count(e => e.EventTypeCase != HistoryEvent.EventTypeOneofCase.TimerFired);
        var customStatus = answer.CustomStatus;

        var continued = answer.Actions.FirstOrDefault(a =>
            a.CompleteOrchestration is { OrchestrationStatus: OrchestrationStatus.ContinuedAsNew });
        if (continued is not null)
        {
            return new WorkflowStepChanges(inboxKeys, 2 + continued.CompleteOrchestration.CarryoverEvents.Count, ContinuedAsNew: true, customStatus);
        }

        var actionEvents = answer.Actions.Count(a => a.OrchestratorActionTypeCase is
            OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask
            or OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer
            or OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration
            or OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent
            or OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration);
        return new WorkflowStepChanges(inboxKeys, 1 + newEvents.Count + actionEvents, ContinuedAsNew: false, customStatus);
    }
}
