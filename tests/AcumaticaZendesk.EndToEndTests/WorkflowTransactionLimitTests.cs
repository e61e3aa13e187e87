using System.Text.Json;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// daprd saves each workflow step in one transaction of the actor state store, and a <c>ContinueAsNew</c> deletes every
/// history key of the generation in it: the real <see cref="SyncWorker.Workflows.TenantSyncWorkflow"/> with a generation
/// of 40 pages (one per activity call) needs more than Cosmos DB's 100 operations and is stuck there, while it
/// completes on the stores Dapr supports for workflows.
/// </summary>
public sealed class WorkflowTransactionLimitTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StateStorePersonality.CosmosDb, false)]
    [InlineData(StateStorePersonality.PostgreSqlV2, true)]
    [InlineData(StateStorePersonality.Sqlite, true)]
    public async Task A_long_generation_continues_as_new_on_stores_without_a_transaction_cap_and_is_stuck_on_Cosmos_DB(
        StateStorePersonality personality, bool completes)
    {
        await using var apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            Sidecar = new StandInSidecarOptions { StatePersonality = personality, FailedStepRetryDelay = TimeSpan.FromMilliseconds(200) },
            Configuration = new Dictionary<string, string?>
            {
                ["SyncSchedule:Interval"] = "00:05:00",
                ["SyncSchedule:PagesPerExecution"] = "40",
                ["Sync:Throughput:PagesPerBatch"] = "1",
            },
            ConfigureSyncWorker = services =>
            {
                services.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("contoso"));
                services.AddSingleton<ISyncEngine>(sp => new ScriptedSyncEngine(
                    sp.GetRequiredService<IConnectorStateStore>(), new Dictionary<EntityKind, int> { [EntityKind.Customer] = 41 }));
            },
        }, TestToken);

        var (status, body) = await apps.TriggerSyncCronAsync(TestToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, body);
        var instanceId = Assert.Single(JsonSerializer.Deserialize<CronTickReport>(body, Json)!.Tenants).InstanceId!;
        var workflows = apps.SyncWorkerServices.GetRequiredService<IDaprWorkflowClient>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(120));

        if (completes)
        {
            var state = await workflows.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
            Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            Assert.Empty(apps.Sidecar.TaskHub.WorkflowSaveRefusals);
            return;
        }

        // The ContinueAsNew step is refused, tried again, refused again: the run never gets past it.
        while (apps.Sidecar.TaskHub.WorkflowSaveRefusals.Count < 3)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }

        Assert.All(apps.Sidecar.TaskHub.WorkflowSaveRefusals, r =>
        {
            Assert.Equal(instanceId, r.InstanceId);
            Assert.Equal(100, r.MaxOperations);
            Assert.InRange(r.Operations, 101, 200);
        });
        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.GetWorkflowStateAsync(instanceId, false, deadline.Token)).RuntimeStatus);
    }
}
