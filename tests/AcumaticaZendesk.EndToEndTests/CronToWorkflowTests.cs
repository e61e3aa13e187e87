using System.Text.Json.Nodes;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The sync worker's cron endpoint, driven through the stand-in sidecar like daprd would: a real Dapr workflow is
/// scheduled and runs its activities in the app, state goes through the Dapr state API with ETags, the run record is
/// finished, and the run-completed event is published for listeners outside the app.
/// </summary>
public sealed class CronToWorkflowTests : AppsTestBase
{
    [Fact]
    public async Task Cron_trigger_runs_a_real_workflow_to_completion_finishes_its_run_record_and_publishes_the_run_for_outside_listeners()
    {
        var report = await TriggerCronAsync();

        var tenant = Assert.Single(report.Tenants);
        Assert.Equal(ScheduleOutcome.Scheduled, tenant.Outcome);
        Assert.StartsWith("sync-contoso-202601051000-", tenant.InstanceId, StringComparison.Ordinal);

        var state = await WaitForCompletionAsync(tenant.InstanceId!);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var summary = state.ReadOutputAs<SyncRunSummary>()!;
        Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(7, summary.Counts.Pages);
        Assert.Equal(7 * ScriptedSyncEngine.RecordsPerPage, summary.Counts.Read);

        // Kinds in dependency stages (customers and employees side by side, then vendors, then contacts), one activity
        // per page, across several ContinueAsNew generations (2 pages each).
        var kinds = Engine.Calls.Select(c => c.Kind).ToList();
        Assert.Equal(
            [3, 1, 1, 2],
            new[] { EntityKind.Customer, EntityKind.Employee, EntityKind.Vendor, EntityKind.Contact }.Select(k => kinds.Count(c => c == k)));
        Assert.True(
            kinds.LastIndexOf(EntityKind.Customer) < kinds.IndexOf(EntityKind.Vendor)
            && kinds.IndexOf(EntityKind.Employee) < kinds.IndexOf(EntityKind.Vendor)
            && kinds.IndexOf(EntityKind.Vendor) < kinds.IndexOf(EntityKind.Contact),
            string.Join(", ", kinds));
        Assert.All(Engine.Calls, c => Assert.Equal(tenant.InstanceId, c.RunId));

        // The engine's watermarks went through the Dapr state API, each write guarded by the previous ETag.
        var watermark = await Service<IConnectorStateStore>().GetAsync<PageWatermark>(
            ScriptedSyncEngine.WatermarkKey("contoso", EntityKind.Customer), TestToken);
        Assert.Equal(3, watermark.Value!.Page);
        Assert.NotNull(watermark.ETag);

        // The finishing activity released the lease.
        var lease = await Service<IConnectorStateStore>().GetAsync<SyncLease>(SyncLeaseStore.Key("contoso"), TestToken);
        Assert.Equal(SyncLeaseStatus.Released, lease.Value!.Status);
        Assert.Equal(tenant.InstanceId, lease.Value.InstanceId);

        // The workflow finished the run record the scheduler created; operators read it under /operator/v1 (no second route).
        var run = await Service<RunStore>().GetAsync("contoso", tenant.InstanceId!, TestToken);
        Assert.Equal(RunStatus.Completed, run!.Status);
        Assert.NotNull(run.FinishedAt);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/operator/v1/tenants/contoso/runs");
        list.Headers.Add("X-Api-Key", OperatorKey);
        using var listed = await Apps.SyncWorker.SendAsync(list, TestToken);
        var runs = JsonNode.Parse(await listed.Content.ReadAsStringAsync(TestToken))!.AsArray();
        Assert.Equal(tenant.InstanceId, (string?)Assert.Single(runs)!["runId"]);
        using var retired = new HttpRequestMessage(HttpMethod.Get, "/tenants/contoso/runs");
        retired.Headers.Add("X-Api-Key", OperatorKey);
        using var retiredResponse = await Apps.SyncWorker.SendAsync(retired, TestToken);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, retiredResponse.StatusCode);

        // The run-completed event was published, as a CloudEvent, for listeners outside the app; the app does not subscribe to it.
        await Apps.Sidecar.PubSub.WhenIdleAsync().WaitAsync(RunDeadline, TestToken);
        var published = Assert.Single(Apps.Sidecar.PubSub.Published, p => p.Topic == DaprNames.Topics.SyncRunCompleted);
        var data = JsonNode.Parse(published.CloudEventJson)!["data"]!;
        Assert.Equal((tenant.InstanceId, 7), ((string?)data["runId"], (int?)data["counts"]!["pages"]));
        Assert.DoesNotContain(Apps.Sidecar.PubSub.Deliveries, d => d.Topic == DaprNames.Topics.SyncRunCompleted);
        Assert.Empty(Apps.Sidecar.UnimplementedCalls);
    }

    [Fact]
    public async Task A_second_trigger_in_the_same_slot_starts_no_second_run_and_the_next_slot_does()
    {
        var first = Assert.Single((await TriggerCronAsync()).Tenants);
        var duplicate = Assert.Single((await TriggerCronAsync()).Tenants);

        Assert.Equal(ScheduleOutcome.Scheduled, first.Outcome);
        Assert.Equal(ScheduleOutcome.DuplicateSlot, duplicate.Outcome);
        Assert.Equal(first.InstanceId, duplicate.InstanceId);

        await WaitForCompletionAsync(first.InstanceId!);
        var afterCompletion = Assert.Single((await TriggerCronAsync()).Tenants);
        Assert.Equal(ScheduleOutcome.DuplicateSlot, afterCompletion.Outcome);
        Assert.Equal(7, Engine.Calls.Count);

        Apps.Time.Advance(TimeSpan.FromMinutes(5));
        var next = Assert.Single((await TriggerCronAsync()).Tenants);
        Assert.Equal(ScheduleOutcome.Scheduled, next.Outcome);
        Assert.StartsWith("sync-contoso-202601051005-", next.InstanceId, StringComparison.Ordinal);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await WaitForCompletionAsync(next.InstanceId!)).RuntimeStatus);
        Assert.Equal([first.InstanceId, next.InstanceId], Engine.Calls.Select(c => c.RunId).Distinct());
    }
}

/// <summary>A run still in progress keeps the tenant's lease across slots: one run per tenant is alive.</summary>
public sealed class RunInProgressTests : AppsTestBase
{
    protected override bool GatePages => true;

    [Fact]
    public async Task A_trigger_in_a_later_slot_while_the_run_is_in_progress_starts_nothing()
    {
        var first = Assert.Single((await TriggerCronAsync()).Tenants);
        Assert.Equal(ScheduleOutcome.Scheduled, first.Outcome);

        Apps.Time.Advance(TimeSpan.FromMinutes(5));
        var later = Assert.Single((await TriggerCronAsync()).Tenants);
        Assert.Equal(ScheduleOutcome.RunInProgress, later.Outcome);
        Assert.Contains(first.InstanceId!, later.Detail, StringComparison.Ordinal);

        OpenGate();
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await WaitForCompletionAsync(first.InstanceId!)).RuntimeStatus);
        Assert.All(Engine.Calls, c => Assert.Equal(first.InstanceId, c.RunId));
    }
}
