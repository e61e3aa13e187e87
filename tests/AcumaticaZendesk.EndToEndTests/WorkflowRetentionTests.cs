using System.Text.Json;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Retention;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The worker's own purge of finished workflow instances (<c>WorkflowRetention</c>, on in the Container Apps deployment,
/// which cannot set Dapr's <c>stateRetentionPolicy</c>), through the stand-in's workflow engine: the worker's clock starts
/// at the engine's (real) time and moves on; its retention pass runs on that clock.
/// </summary>
public sealed class WorkflowRetentionTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The stand-in's task hub runs as many activities at once as there are cores: each tenant held has its own gate.
    private readonly TaskCompletionSource stoppedGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource busyGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private ConnectorAppsHost apps = null!;

    private static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            Time = time,
            Configuration = new Dictionary<string, string?>
            {
                ["SyncSchedule:Interval"] = "00:05:00",
                ["WorkflowRetention:Enabled"] = "true",
                ["WorkflowRetention:Completed"] = "02:00:00",
                ["WorkflowRetention:FailedOrTerminated"] = "30.00:00:00",
            },
            ConfigureSyncWorker = services =>
            {
                // "done" and "gone" finish; "stopped" and "busy" wait on their gates ("stopped" is then terminated).
                services.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("done", "gone", "stopped", "busy"));
                services.AddSingleton<ISyncEngine>(sp => new HoldingSyncEngine(
                    new ScriptedSyncEngine(sp.GetRequiredService<IConnectorStateStore>(), new Dictionary<EntityKind, int> { [EntityKind.Customer] = 1 }),
                    new Dictionary<string, Task> { ["stopped"] = stoppedGate.Task, ["busy"] = busyGate.Task }));
            },
        }, TestToken);
    }

    public async ValueTask DisposeAsync()
    {
        stoppedGate.TrySetResult();
        busyGate.TrySetResult();
        await apps.DisposeAsync();
    }

    [Fact]
    public async Task Finished_instances_are_purged_once_their_retention_has_passed_running_and_younger_ones_are_kept()
    {
        var workflows = apps.SyncWorkerServices.GetRequiredService<IDaprWorkflowClient>();
        var start = time.GetUtcNow();
        await WaitForPassAsync(start); // the pass at start-up found nothing due

        var (status, body) = await apps.TriggerSyncCronAsync(TestToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, body);
        var report = JsonSerializer.Deserialize<CronTickReport>(body, Json)!;
        var ids = report.Tenants.ToDictionary(t => t.TenantId, t => t.InstanceId!);
        Assert.All(report.Tenants, t => Assert.Equal(ScheduleOutcome.Scheduled, t.Outcome));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(Deadline);
        await workflows.TerminateWorkflowAsync(ids["stopped"], "operator", deadline.Token);
        Assert.Equal(
            WorkflowRuntimeStatus.Terminated,
            (await workflows.WaitForWorkflowCompletionAsync(ids["stopped"], cancellation: deadline.Token)).RuntimeStatus);
        stoppedGate.TrySetResult(); // its activity, whose result no one waits for any more, gives its slot back
        foreach (var tenant in new[] { "done", "gone" })
        {
            Assert.Equal(
                WorkflowRuntimeStatus.Completed,
                (await workflows.WaitForWorkflowCompletionAsync(ids[tenant], cancellation: deadline.Token)).RuntimeStatus);
        }

        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.GetWorkflowStateAsync(ids["busy"], false, deadline.Token)).RuntimeStatus);

        // Someone purged "gone" already: the pass takes it as done.
        await workflows.PurgeInstanceAsync(ids["gone"], deadline.Token);

        // Two hours on, the hour in which the finished runs become due is not over: nothing is looked at yet.
        time.Advance(TimeSpan.FromHours(2));
        await WaitForPassAsync(time.GetUtcNow());
        Assert.True(await ExistsAsync(ids["done"]));

        // Completed more than 2 h ago: purged. Terminated (30 days) and running: kept.
        time.Advance(TimeSpan.FromHours(1));
        await WaitForPassAsync(time.GetUtcNow());
        Assert.False(await ExistsAsync(ids["done"]));
        Assert.False(await ExistsAsync(ids["gone"]));
        Assert.Equal(WorkflowRuntimeStatus.Terminated, (await workflows.GetWorkflowStateAsync(ids["stopped"], false, deadline.Token)).RuntimeStatus);
        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.GetWorkflowStateAsync(ids["busy"], false, deadline.Token)).RuntimeStatus);

        // A month on, the terminated one is purged; the running one never is.
        time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromHours(2));
        await WaitForPassAsync(time.GetUtcNow());
        Assert.False(await ExistsAsync(ids["stopped"]));
        Assert.Equal(WorkflowRuntimeStatus.Running, (await workflows.GetWorkflowStateAsync(ids["busy"], false, deadline.Token)).RuntimeStatus);
    }

    private async Task<bool> ExistsAsync(string instanceId)
    {
        var workflows = apps.SyncWorkerServices.GetRequiredService<IDaprWorkflowClient>();
        var state = await workflows.GetWorkflowStateAsync(instanceId, false, TestToken);
        return state is { Exists: true };
    }

    /// <summary>Waits until a retention pass on the worker's clock at <paramref name="now"/> has finished (its cursor is saved last).</summary>
    private async Task WaitForPassAsync(DateTimeOffset now)
    {
        var store = apps.SyncWorkerServices.GetRequiredService<IConnectorStateStore>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(Deadline);
        while (true)
        {
            var (cursor, _) = await store.GetAsync<WorkflowRetentionCursor>(WorkflowRetentionLedger.CursorKey, deadline.Token);
            if (cursor?.NextHour == WorkflowRetentionLedger.HourOf(now))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }

    /// <summary>TEST DOUBLE: the scripted engine, holding the pages of some tenants until their gate opens (runs kept in progress).</summary>
    private sealed class HoldingSyncEngine(ISyncEngine inner, IReadOnlyDictionary<string, Task> gates) : ISyncEngine
    {
        public async Task<SyncPagesResult> SyncPagesAsync(SyncPagesRequest request, CancellationToken cancellationToken)
        {
            if (gates.TryGetValue(request.TenantId, out var gate))
            {
                await gate.WaitAsync(cancellationToken);
            }

            return await inner.SyncPagesAsync(request, cancellationToken);
        }

        public Task<SyncPlan> PlanPageAsync(PlanPageRequest request, CancellationToken cancellationToken) =>
            inner.PlanPageAsync(request, cancellationToken);

        public Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken) =>
            inner.ReplayAsync(tenantId, runId, records, cancellationToken);

        public Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken) =>
            inner.ReplayFailedAsync(tenantId, runId, cancellationToken);
    }
}
