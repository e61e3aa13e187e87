using System.Collections;
using System.Reflection;
using DurableTask.Core;
using Grpc.Core;
using Microsoft.DurableTask.Protobuf;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// The in-process task hub, made to survive a worker that disappears mid-task (the app killed or restarted):
/// when the worker's work-item stream ends, every work item handed to it and not completed is failed, so
/// DurableTask.Core abandons and re-dispatches it to the next worker that connects — as daprd re-delivers after an
/// app restart. Without this, a task sent to a dead worker would wait forever.
/// </summary>
public sealed class RestartableTaskHubGrpcServer(
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    IOrchestrationService service,
    IOrchestrationServiceClient client,
    IOptions<TaskHubGrpcServerOptions> options)
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

    public override async Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> responseStream, ServerCallContext context)
    {
        try
        {
            await base.GetWorkItems(request, responseStream, context).ConfigureAwait(false);
        }
        finally
        {
            FailWorkHandedToTheGoneWorker();
        }
    }

    private void FailWorkHandedToTheGoneWorker()
    {
        foreach (var field in PendingFields)
        {
            var pending = (IDictionary)field.GetValue(this)!;
            foreach (var key in pending.Keys.Cast<object>().ToList())
            {
                var tcs = pending[key]!;
                pending.Remove(key);
                tcs.GetType().GetMethod("TrySetException", [typeof(Exception)])!
                    .Invoke(tcs, [new InvalidOperationException($"The worker disconnected before completing {key}")]);
                logger.LogWarning("Stand-in task hub: worker left without completing {WorkItem}; it will be dispatched again", key);
            }
        }
    }

    private static FieldInfo PendingField(string name) =>
        typeof(TaskHubGrpcServer).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException(
            $"TaskHubGrpcServer has no field '{name}': the InProcessTestHost package changed; revisit {nameof(RestartableTaskHubGrpcServer)}");
}
