using System.Text.Json;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// Starts the stand-in sidecar and the real apps for each test, with the test doubles of the sync engine and the
/// tenant list (to be replaced by the real engine and the sandbox).
/// </summary>
public abstract class AppsTestBase : IAsyncLifetime
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected static readonly TimeSpan RunDeadline = TimeSpan.FromSeconds(60);

    private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int startedWorkers;

    protected ConnectorAppsHost Apps { get; private set; } = null!;

    internal ScriptedSyncEngine Engine { get; private set; } = null!;

    /// <summary>Pages the scripted engine serves per kind.</summary>
    protected virtual IReadOnlyDictionary<EntityKind, int> Pages { get; } = new Dictionary<EntityKind, int>
    {
        [EntityKind.Customer] = 3,
        [EntityKind.Vendor] = 1,
        [EntityKind.Contact] = 2,
        [EntityKind.Employee] = 1,
    };

    /// <summary>When true, every page waits until <see cref="OpenGate"/> (a run kept in progress).</summary>
    protected virtual bool GatePages => false;

    /// <summary>The engine the n-th started sync worker gets (1 = the first); a restart builds a new one.</summary>
    internal virtual ScriptedSyncEngine CreateEngine(int workerNumber, IConnectorStateStore state) =>
        new(state, Pages, GatePages ? gate.Task : null);

    protected static CancellationToken TestToken => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Apps = await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            Configuration = new Dictionary<string, string?>
            {
                ["SyncSchedule:Interval"] = "00:05:00",
                ["SyncSchedule:PagesPerExecution"] = "2",
                ["Operator:ApiKeys:0:Name"] = "e2e",
            },
            ConfigureSyncWorker = services =>
            {
                services.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("contoso"));
                var workerNumber = ++startedWorkers;
                services.AddSingleton<ISyncEngine>(sp => Engine = CreateEngine(workerNumber, sp.GetRequiredService<IConnectorStateStore>()));
            },
        }, TestToken);
        Apps.Sidecar.SetSecret(Contracts.DaprNames.Components.SecretStore, "operator--api-keys--e2e", OperatorKey);
    }

    /// <summary>The operator API key the tests use (secret <c>operator:api-keys:e2e</c>).</summary>
    protected const string OperatorKey = "e2e-operator-key-0123456789";

    public async ValueTask DisposeAsync()
    {
        gate.TrySetResult();
        await Apps.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected void OpenGate() => gate.TrySetResult();

    protected async Task<CronTickReport> TriggerCronAsync()
    {
        var (status, body) = await Apps.TriggerSyncCronAsync(TestToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, $"POST /sync-cron answered {(int)status}: {body}");
        return JsonSerializer.Deserialize<CronTickReport>(body, Json)!;
    }

    protected async Task<WorkflowState> WaitForCompletionAsync(string instanceId)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(RunDeadline);
        var workflows = Apps.SyncWorkerServices.GetRequiredService<IDaprWorkflowClient>();
        return await workflows.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
    }

    protected T Service<T>()
        where T : notnull => Apps.SyncWorkerServices.GetRequiredService<T>();
}
