using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using DurableTask.Core;
using Grpc.Core;
using Microsoft.DurableTask.Protobuf;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrchestrationStatus = DurableTask.Core.OrchestrationStatus;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// The in-process task hub, made to behave like daprd's workflow engine where the apps depend on it:
/// <list type="bullet">
/// <item>it survives a worker that disappears mid-task (the app killed or restarted): when the worker's work-item
/// stream ends, every work item handed to it and not completed is failed, so DurableTask.Core abandons and
/// re-dispatches it to the next worker that connects — as daprd re-delivers after an app restart;</item>
/// <item>creating an instance follows daprd's rules (dapr <c>pkg/actors/targets/workflow/orchestrator/create.go</c>
/// <c>createIfCompleted</c>): an id whose instance is still running is refused with <c>AlreadyExists</c>; an id whose
/// instance completed, failed or was terminated is purged and started again;</item>
/// <item>StartInstance answers only once the instance has started (durabletask-go <c>backend/executor.go</c>
/// <c>StartInstance</c> → <c>WaitForInstanceStart</c>), after <see cref="StandInSidecarOptions.WorkflowStartDelay"/>
/// (a loaded sidecar), so a caller's deadline can expire after the instance was created;</item>
/// <item>each orchestration step is counted as the one transaction daprd saves it in (<see cref="WorkflowStepSave"/>);
/// when the actor state store caps transactions (<see cref="FakeStateStore.MaxTransactionOperations"/>, Cosmos DB) and
/// the step's save exceeds the cap, the step fails and is tried again after
/// <see cref="StandInSidecarOptions.FailedStepRetryDelay"/>, failing again each time: the workflow is stuck, as under
/// daprd (dapr <c>pkg/actors/state/state.go</c> <c>ErrTransactionsTooManyOperations</c>; the step's reminder fires again).</item>
/// </list>
/// </summary>
public sealed class RestartableTaskHubGrpcServer(
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    IOrchestrationService service,
    IOrchestrationServiceClient client,
    IOptions<TaskHubGrpcServerOptions> options,
    InMemoryOrchestrationService hub,
    StandInSidecarOptions sidecarOptions)
    : TaskHubGrpcServer(lifetime, loggers, service, client, options)
{
    // Private state of TaskHubGrpcServer (Microsoft.DurableTask.InProcessTestHost 0.2.3-preview.1): the work items
    // waiting for the worker's answer. Looked up once, loudly, so a package update that renames them fails here.
    private static readonly FieldInfo[] PendingFields =
    [
        PendingField("pendingOrchestratorTasks"),
        PendingField("pendingActivityTasks"),
    ];

    private readonly ILogger logger = loggers.CreateLogger<RestartableTaskHubGrpcServer>();
    private readonly ConcurrentDictionary<string, OrchestratorRequest> stepsInFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WorkflowActorState> actorStates = new(StringComparer.Ordinal);
    private readonly int? maxTransactionOperations = FakeStateStore.MaxTransactionOperationsOf(sidecarOptions.StatePersonality);

    private readonly ConcurrentDictionary<string, DateTimeOffset> firstActivities = new(StringComparer.Ordinal);
    private long stepSaves;
    private long stepSaveOperations;

    /// <summary>Steps whose save the actor state store refused for its size (each retry again).</summary>
    public ConcurrentQueue<WorkflowSaveRefusal> WorkflowSaveRefusals { get; } = new();

    /// <summary>Workflow steps saved so far: under daprd, one actor state store transaction each (<see cref="WorkflowStepSave"/>).</summary>
    public long WorkflowStepSaves => Interlocked.Read(ref stepSaves);

    /// <summary>The operations of those transactions (<see cref="WorkflowStepSave.Plan"/>), summed.</summary>
    public long WorkflowStepSaveOperations => Interlocked.Read(ref stepSaveOperations);

    /// <summary>When the first activity of each instance was handed to the app (on <see cref="StandInSidecarOptions.Clock"/>).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> FirstActivityDispatchedAt => firstActivities;

    public override async Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> responseStream, ServerCallContext context)
    {
        try
        {
            var writer = new StepRecordingWriter(responseStream, stepsInFlight, firstActivities, sidecarOptions.Clock);
            await base.GetWorkItems(request, writer, context).ConfigureAwait(false);
        }
        finally
        {
            FailWorkHandedToTheGoneWorker();
        }
    }

    public override async Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context)
    {
        var existing = (await hub.GetOrchestrationStateAsync(request.InstanceId, allExecutions: false).ConfigureAwait(false))
            ?.FirstOrDefault(s => s is not null);
        if (existing is not null)
        {
            if (existing.OrchestrationStatus is OrchestrationStatus.Running or OrchestrationStatus.Pending or OrchestrationStatus.Suspended
                or OrchestrationStatus.ContinuedAsNew)
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"an active workflow with ID '{request.InstanceId}' already exists"));
            }

            logger.LogInformation("Stand-in task hub: workflow {InstanceId} was previously completed and is being recreated", request.InstanceId);
            await ((IOrchestrationServicePurgeClient)hub).PurgeInstanceStateAsync(request.InstanceId).ConfigureAwait(false);
            CreatedAgain.Enqueue(request.InstanceId);
        }

        actorStates.TryRemove(request.InstanceId, out _);

        var response = await base.StartInstance(request, context).ConfigureAwait(false);
        if (request.ScheduledStartTimestamp is null)
        {
            await Task.Delay(sidecarOptions.WorkflowStartDelay, context.CancellationToken).ConfigureAwait(false);
            await WaitForStartAsync(request.InstanceId, context.CancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    public override async Task<CompleteTaskResponse> CompleteOrchestratorTask(OrchestratorResponse request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!stepsInFlight.TryRemove(request.InstanceId, out var step))
        {
            return await base.CompleteOrchestratorTask(request, context).ConfigureAwait(false);
        }

        var before = actorStates.GetValueOrDefault(request.InstanceId, WorkflowActorState.Created);
        var (operations, after) = WorkflowStepSave.Plan(before, WorkflowStepChangesReader.Read(before, step, request));
        if (maxTransactionOperations is { } max && operations > max)
        {
            WorkflowSaveRefusals.Enqueue(new WorkflowSaveRefusal(request.InstanceId, operations, max));
            logger.LogError(
                "Stand-in task hub: workflow actor {InstanceId}: saving the step takes {Operations} operations, more than the actor state store's {Max}: the "
                    + "transaction contains more operations than supported by the state store; the step is retried",
                request.InstanceId, operations, max);
            await Task.Delay(sidecarOptions.FailedStepRetryDelay, context.CancellationToken).ConfigureAwait(false);
            FailPending((IDictionary)PendingFields[0].GetValue(this)!, request.InstanceId, new InvalidOperationException(
                $"The transaction contains more operations than supported by the state store ({operations} > {max})"));
            return new CompleteTaskResponse();
        }

        actorStates[request.InstanceId] = after;
        Interlocked.Increment(ref stepSaves);
        Interlocked.Add(ref stepSaveOperations, operations);
        return await base.CompleteOrchestratorTask(request, context).ConfigureAwait(false);
    }

    /// <summary>Ids whose finished instance was purged and started again (what daprd does silently).</summary>
    public ConcurrentQueue<string> CreatedAgain { get; } = new();

    private async Task WaitForStartAsync(string instanceId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = (await hub.GetOrchestrationStateAsync(instanceId, allExecutions: false).ConfigureAwait(false))?.FirstOrDefault(s => s is not null);
            if (state is not null && state.OrchestrationStatus != OrchestrationStatus.Pending)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    private void FailWorkHandedToTheGoneWorker()
    {
        foreach (var field in PendingFields)
        {
            var pending = (IDictionary)field.GetValue(this)!;
            foreach (var key in pending.Keys.Cast<object>().ToList())
            {
                FailPending(pending, key, new InvalidOperationException($"The worker disconnected before completing {key}"));
                logger.LogWarning("Stand-in task hub: worker left without completing {WorkItem}; it will be dispatched again", key);
            }
        }
    }

    /// <summary>Fails a work item the task hub waits for, so DurableTask.Core abandons it and dispatches it again.</summary>
    private static void FailPending(IDictionary pending, object key, Exception reason)
    {
        var tcs = pending[key];
        if (tcs is null)
        {
            return;
        }

        pending.Remove(key);
        tcs.GetType().GetMethod("TrySetException", [typeof(Exception)])!.Invoke(tcs, [reason]);
    }

    /// <summary>Remembers the last orchestration work item sent to the app per instance (its new events) and when its first activity went.</summary>
    private sealed class StepRecordingWriter(
        IServerStreamWriter<WorkItem> inner,
        ConcurrentDictionary<string, OrchestratorRequest> steps,
        ConcurrentDictionary<string, DateTimeOffset> firstActivities,
        TimeProvider clock)
        : IServerStreamWriter<WorkItem>
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(WorkItem message)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (message.OrchestratorRequest is { } step)
            {
                steps[step.InstanceId] = step;
            }
            else if (message.ActivityRequest?.OrchestrationInstance?.InstanceId is { } instanceId)
            {
                firstActivities.TryAdd(instanceId, clock.GetUtcNow());
            }

            return inner.WriteAsync(message);
        }
    }

    private static FieldInfo PendingField(string name) =>
        typeof(TaskHubGrpcServer).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException(
            $"TaskHubGrpcServer has no field '{name}': the InProcessTestHost package changed; revisit {nameof(RestartableTaskHubGrpcServer)}");
}

/// <summary>A workflow step whose save the actor state store refused: more operations than its transactions allow.</summary>
public sealed record WorkflowSaveRefusal(string InstanceId, int Operations, int MaxOperations);
