using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Runs;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.Workflows;
using AcumaticaZendesk.Testing;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The sync worker's cron endpoint, driven through the stand-in sidecar like daprd would: a real Dapr workflow is
/// scheduled and runs its activities in the app, state goes through the Dapr state API with ETags, and the
/// run-completed event reaches the app's own subscription. The sync engine and tenant list are test doubles here.
/// </summary>
public sealed class CronToWorkflowTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    private readonly Dictionary<EntityKind, int> pages = new()
    {
        [EntityKind.Customer] = 3,
        [EntityKind.Vendor] = 1,
        [EntityKind.Contact] = 2,
        [EntityKind.Employee] = 1,
    };

    private ConnectorAppsHost apps = null!;
    private ScriptedSyncEngine engine = null!;

    public async ValueTask InitializeAsync()
    {
        apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            Configuration = new Dictionary<string, string?>
            {
                ["SyncSchedule:Interval"] = "00:05:00",
                ["SyncSchedule:PagesPerExecution"] = "2",
            },
            ConfigureSyncWorker = services =>
            {
                services.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("contoso"));
                services.AddSingleton<ISyncEngine>(sp => engine = new ScriptedSyncEngine(sp.GetRequiredService<IConnectorStateStore>(), pages));
            },
        }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await apps.DisposeAsync();

    [Fact]
    public async Task Cron_trigger_runs_a_real_workflow_to_completion_and_the_run_reaches_the_history_subscription()
    {
        var ct = TestContext.Current.CancellationToken;

        var (status, body) = await apps.TriggerSyncCronAsync(ct);

        Assert.Equal(HttpStatusCode.OK, status);
        var report = JsonSerializer.Deserialize<CronTickReport>(body, Json)!;
        var tenant = Assert.Single(report.Tenants);
        Assert.Equal(ScheduleOutcome.Scheduled, tenant.Outcome);
        Assert.Equal("sync-contoso-202601051000", tenant.InstanceId);

        var workflows = apps.SyncWorkerServices.GetRequiredService<IDaprWorkflowClient>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(RunDeadline);
        var state = await workflows.WaitForWorkflowCompletionAsync(tenant.InstanceId!, cancellation: deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var summary = state.ReadOutputAs<SyncRunSummary>()!;
        Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(7, summary.Progress.Pages);
        Assert.Equal(7 * ScriptedSyncEngine.RecordsPerPage, summary.Progress.Read);

        // Kinds in dependency order, one activity per page, across several ContinueAsNew generations.
        Assert.Equal(
            [EntityKind.Customer, EntityKind.Customer, EntityKind.Customer, EntityKind.Vendor, EntityKind.Contact, EntityKind.Contact, EntityKind.Employee],
            engine.Calls.Select(c => c.Kind));
        Assert.All(engine.Calls, c => Assert.Equal(tenant.InstanceId, c.RunId));

        // The engine's watermarks went through the Dapr state API with ETags.
        var store = apps.Sidecar.StateStore(DaprNames.Components.StateStore);
        Assert.NotNull(store.Get(ScriptedSyncEngine.WatermarkKey("contoso", EntityKind.Customer)));

        // The lease was released by the finishing activity.
        var lease = await apps.SyncWorkerServices.GetRequiredService<IConnectorStateStore>()
            .GetAsync<SyncLease>(SyncLeaseStore.Key("contoso"), ct);
        Assert.Equal(SyncLeaseStatus.Released, lease.Value!.Status);

        // The run-completed event was published and delivered to the sync worker's own subscription...
        var delivery = await apps.Sidecar.PubSub.WaitForDeliveryAsync(d => d.Topic == DaprNames.Topics.SyncRunCompleted, deadline.Token);
        Assert.True(delivery.Delivered);
        Assert.Equal(DaprNames.AppIds.SyncWorker, delivery.AppId);

        // ...which stored it in the run history, readable on the operator endpoint.
        var history = await apps.SyncWorker.GetFromJsonAsync<RunHistory>("/tenants/contoso/runs", Json, ct);
        var run = Assert.Single(history!.Runs);
        Assert.Equal(tenant.InstanceId, run.RunId);
        Assert.Equal(7, run.Progress.Pages);
        Assert.Empty(apps.Sidecar.UnimplementedCalls);
    }
}
