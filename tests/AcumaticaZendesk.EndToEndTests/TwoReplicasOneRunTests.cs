using System.Net;
using System.Text.Json;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using Dapr.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// Two sync-worker replicas, each with its own stand-in sidecar and cron binding, sharing one state store and one
/// workflow engine (as two daprd sidecars share the state store and, through actor placement, the workflow
/// instances). Each sidecar started at a different moment, so their <c>@every</c> ticks are offset; the repository's
/// wall-clock schedule makes them tick at the same instant, racing for the lease. Either way: exactly one run per
/// tenant per interval, and no interval without one.
/// </summary>
public sealed class TwoReplicasOneRunTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly string[] Tenants = ["contoso", "fabrikam"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Schedules => [StandInCronBinding.RepositorySyncCronSchedule, "@every 1m"];

    [Theory]
    [MemberData(nameof(Schedules))]
    public async Task Offset_cron_ticks_on_two_replicas_start_exactly_one_run_per_tenant_per_interval(string schedule)
    {
        var time = new FakeTimeProvider(ConnectorAppsOptions.DefaultStartTime);
        var engines = new List<ScriptedSyncEngine>();
        await using var first = await StartReplicaAsync(time, schedule, null, engines);
        time.Advance(TimeSpan.FromSeconds(23.4));
        await using var second = await StartReplicaAsync(time, schedule, first.Sidecar, engines);

        var until = time.GetUtcNow() + (5 * Interval);
        var ticks = new[] { first, second }
            .SelectMany(r => r.Sidecar.SyncCron.FireTimes(until).Select(t => (At: t, Replica: r)))
            .GroupBy(t => t.At)
            .OrderBy(g => g.Key)
            .ToList();
        Assert.Equal(schedule.StartsWith('@'), ticks.All(g => g.Count() == 1));

        var reports = new List<CronTickReport>();
        foreach (var group in ticks)
        {
            time.SetUtcNow(group.Key);
            // Ticks at the same instant (a wall-clock schedule) race each other.
            var answers = await Task.WhenAll(group.Select(t => t.Replica.TriggerSyncCronAsync(Token)));
            foreach (var (status, body) in answers)
            {
                Assert.True(status == HttpStatusCode.OK, $"POST /sync-cron answered {(int)status}: {body}");
                reports.Add(JsonSerializer.Deserialize<CronTickReport>(body, Json)!);
            }

            var workflows = first.SyncWorkerServices.GetRequiredService<IDaprWorkflowClient>();
            foreach (var run in reports[^answers.Length..].SelectMany(r => r.Tenants).Where(t => t.Outcome == ScheduleOutcome.Scheduled))
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
                deadline.CancelAfter(TimeSpan.FromSeconds(60));
                var state = await workflows.WaitForWorkflowCompletionAsync(run.InstanceId!, cancellation: deadline.Token);
                Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
            }
        }

        // Every slot from the first tick on had exactly one run per tenant, whichever replica started it.
        var slots = reports.Select(r => r.Slot).Distinct().Order().ToList();
        Assert.Equal(slots.Count, (int)((slots[^1] - slots[0]) / Interval) + 1);
        Assert.True(slots.Count >= 5, $"{slots.Count} slots");
        foreach (var tenant in Tenants)
        {
            var scheduled = reports.SelectMany(
                r => r.Tenants.Where(t => t.TenantId == tenant && t.Outcome == ScheduleOutcome.Scheduled).Select(t => (r.Slot, t.InstanceId)))
                .ToList();
            Assert.Equal(slots, scheduled.Select(s => s.Slot).Order());
            var ran = engines.SelectMany(e => e.Calls).Where(c => c.TenantId == tenant).Select(c => c.RunId).Distinct().Order(StringComparer.Ordinal);
            Assert.Equal(scheduled.Select(s => s.InstanceId).Order(StringComparer.Ordinal), ran);
        }

        // Both replicas ticked; every tick that did not start a run found the slot's run or lost the race for it.
        Assert.All(reports.SelectMany(r => r.Tenants), t => Assert.Contains(t.Outcome,
            new[] { ScheduleOutcome.Scheduled, ScheduleOutcome.DuplicateSlot, ScheduleOutcome.LostRace }));
        Assert.Contains(reports, r => r.Tenants.Any(t => t.Outcome != ScheduleOutcome.Scheduled));
    }

    private static async Task<ConnectorAppsHost> StartReplicaAsync(
        FakeTimeProvider time, string schedule, StandInSidecar? shareWith, List<ScriptedSyncEngine> engines)
    {
        var pages = new Dictionary<EntityKind, int> { [EntityKind.Customer] = 1 };
        return await ConnectorAppsHost.StartAsync(new ConnectorAppsOptions
        {
            Time = time,
            Sidecar = new StandInSidecarOptions { Clock = time, SyncCronSchedule = schedule, ShareStateAndWorkflowsWith = shareWith },
            Configuration = new Dictionary<string, string?> { ["SyncSchedule:Interval"] = "00:01:00" },
            ConfigureSyncWorker = services =>
            {
                services.AddSingleton<ITenantDirectory>(new FixedTenantDirectory(Tenants));
                services.AddSingleton<ISyncEngine>(sp =>
                {
                    var engine = new ScriptedSyncEngine(sp.GetRequiredService<IConnectorStateStore>(), pages);
                    lock (engines)
                    {
                        engines.Add(engine);
                    }

                    return engine;
                });
            },
        }, Token);
    }
}
