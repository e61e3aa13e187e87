using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;
using DotNet.Testcontainers.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests.Containers;

/// <summary>
/// The container suite: the real sync worker against a real <c>daprd</c> with placement, scheduler and Redis (no
/// stand-in, no interceptor). It proves what the stand-in cannot: the Dapr runtime's workflow engine (actors,
/// scheduler reminders) runs TenantSyncWorkflow, the cron binding fires the route on its own, Redis honours the
/// ETag rules, and Redis pub/sub delivers the run-completed event. It needs a Docker engine and skips itself
/// without one.
/// </summary>
public sealed class RealDaprdTests
{
    [Fact]
    public async Task The_cron_binding_of_a_real_daprd_runs_a_tenant_sync_to_its_finished_run_record()
    {
        var dockerMissing = DaprContainerEnvironment.DockerUnavailableReason();
        Assert.SkipWhen(dockerMissing is not null,
            $"Container suite skipped: no Docker engine is reachable here ({dockerMissing}). " +
            "It runs real daprd + placement + scheduler + Redis on machines with Docker.");

        var ct = TestContext.Current.CancellationToken;
        await using var dapr = new DaprContainerEnvironment();
        var appPort = NoSidecarTests.ClosedPort();
        try
        {
            await dapr.StartAsync(appPort, cronSchedule: "@every 5s", ct);
        }
        catch (DockerUnavailableException ex)
        {
            // An endpoint is configured (e.g. DOCKER_HOST) but no engine answers on it.
            Assert.Skip($"Container suite skipped: the configured Docker engine does not answer ({ex.Message}).");
        }

        ScriptedSyncEngine? engine = null;
        await using var app = RunningApp.StartSyncWorker(
            new Dictionary<string, string?>(dapr.AppConfiguration)
            {
                ["SyncSchedule:PagesPerExecution"] = "2",
                ["SyncSchedule:Interval"] = "01:00:00",
                ["SyncSchedule:LeaseDuration"] = "02:00:00",
            },
            services =>
            {
                services.AddSingleton<ITenantDirectory>(new FixedTenantDirectory("contoso"));
                services.AddSingleton<ISyncEngine>(sp => engine = new ScriptedSyncEngine(
                    sp.GetRequiredService<IConnectorStateStore>(),
                    new Dictionary<EntityKind, int>
                    {
                        [EntityKind.Customer] = 3,
                        [EntityKind.Vendor] = 1,
                        [EntityKind.Contact] = 2,
                        [EntityKind.Employee] = 1
                    }));
            },
            appPort);

        // Stale ETags are refused by the real state store too.
        var store = app.Services.GetRequiredService<IConnectorStateStore>();
        await store.SaveAsync("container:etag", "v1", ct);
        var (_, etag) = await store.GetAsync<string>("container:etag", ct);
        Assert.True(await store.TrySaveAsync("container:etag", "v2", etag, ct));
        Assert.False(await store.TrySaveAsync("container:etag", "v3", etag, ct));

        // daprd's cron fires /sync-cron by itself; wait for the workflow to finish the first run's record (its last
        // activity publishes the run-completed event to Redis pub/sub first, so the publish succeeded too).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        var runs = app.Services.GetRequiredService<RunStore>();
        RunRecord? first = null;
        while (first is not { FinishedAt: not null })
        {
            await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
            first = (await runs.ListAsync("contoso", RunStore.IndexLimit, deadline.Token)).LastOrDefault();
        }

        // The first run did every page (a later slot's run, if the hour turned meanwhile, starts from the watermarks).
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.StartsWith("sync-contoso-", first.RunId, StringComparison.Ordinal);
        var state = await app.Services.GetRequiredService<IDaprWorkflowClient>().GetWorkflowStateAsync(first.RunId, getInputsAndOutputs: true, deadline.Token);
        Assert.Equal(7, state!.ReadOutputAs<SyncRunSummary>()!.Counts.Pages);
        Assert.Equal(7, engine!.Calls.Count(c => c.RunId == first.RunId));
    }
}
