using System.Net;
using System.Text.Json;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;

namespace AcumaticaZendesk.EndToEndTests.MainFlow;

/// <summary>The cron binding's route, fired through the stand-in as daprd fires it, over the real tenant store.</summary>
public sealed class CronScheduleTests : MainFlowTestBase
{
    [Fact]
    public async Task A_cron_tick_schedules_a_run_for_every_runnable_tenant_and_the_runs_complete()
    {
        await AddNorthAndSouthAsync();
        await AddTenantAsync(SmallSeed("west", randomSeed: 3), t => t with { Paused = true });

        var (status, body) = await Connector.Apps.TriggerSyncCronAsync(Token);
        Assert.True(status == HttpStatusCode.OK, $"POST /sync-cron answered {(int)status}: {body}");
        var report = JsonSerializer.Deserialize<CronTickReport>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

        // One run per runnable tenant, with the slot's instance id; the paused tenant is not scheduled.
        Assert.Equal(["north", "south"], report.Tenants.Select(t => t.TenantId).Order());
        Assert.All(report.Tenants, t =>
        {
            Assert.Equal(ScheduleOutcome.Scheduled, t.Outcome);
            Assert.StartsWith($"sync-{t.TenantId}-{report.Slot.UtcDateTime:yyyyMMddHHmm}-", t.InstanceId, StringComparison.Ordinal);
        });

        var states = await Task.WhenAll(report.Tenants.Select(t => Connector.WaitForRunAsync(t.InstanceId!, RunTimeout, Token)));
        foreach (var summary in states.Select(CompletedSummary))
        {
            Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
            Assert.Equal(0, summary.Counts.Failed);
            Assert.Equal(AccountNames(summary.TenantId).Count + Contacts(summary.TenantId).Count + 2, summary.Counts.Created);
        }

        foreach (var tenant in new[] { "north", "south" })
        {
            Assert.Equal(AccountNames(tenant).Keys.Order(StringComparer.OrdinalIgnoreCase),
                OrganizationsByExternalId(tenant).Keys.Where(k => !k.StartsWith("acu-company:", StringComparison.Ordinal))
                    .Order(StringComparer.OrdinalIgnoreCase));
        }

        Assert.Empty(Control.Organizations("west"));
        Assert.False((await Service<TenantRepository>().GetRequiredAsync("west", Token)).IsRunnable);
    }
}
