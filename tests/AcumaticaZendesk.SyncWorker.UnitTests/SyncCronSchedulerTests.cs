using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Throughput;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ClearExtensions;
using NSubstitute.ExceptionExtensions;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

public sealed class SyncCronSchedulerTests
{
    private readonly InMemoryConnectorStateStore store = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 5, 10, 7, 12, TimeSpan.Zero));
    private readonly ITenantDirectory tenants = Substitute.For<ITenantDirectory>();
    private readonly IDaprWorkflowClient workflows = Substitute.For<IDaprWorkflowClient>();
    private readonly IWorkflowRunProbe probe = Substitute.For<IWorkflowRunProbe>();
    private readonly SyncCronScheduler scheduler;

    public SyncCronSchedulerTests()
    {
        var options = Options.Create(new SyncScheduleOptions
        {
            Interval = TimeSpan.FromMinutes(5),
            PagesPerExecution = 20,
            SidecarCallTimeout = TimeSpan.FromSeconds(1),
        });
        var throughput = Options.Create(new ThroughputOptions { PageSize = 200, PagesPerBatch = 3 });
        scheduler = new SyncCronScheduler(
            tenants, new SyncLeaseStore(store, time, NullLogger<SyncLeaseStore>.Instance), workflows, probe, new RunStore(store, time), RetentionOff.Ledger(
                store,
                time), options, throughput, time,
            NullLogger<SyncCronScheduler>.Instance);
        tenants.ListRunnableTenantIdsAsync(Arg.Any<CancellationToken>()).Returns(["contoso", "fabrikam"]);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The scheduler's call to start a tenant workflow under <paramref name="instanceId"/> (an argument matcher), to stub.</summary>
    private Task<string> Scheduling(string instanceId) =>
        workflows.ScheduleNewWorkflowAsync(
            nameof(TenantSyncWorkflow),
            instanceId,
            Arg.Any<TenantSyncInput>(),
            Arg.Any<DateTimeOffset?>(),
            Arg.Any<CancellationToken>());

    /// <summary>Any run of contoso's 10:05 slot (ids are never reused, so each carries a random tail).</summary>
    private static string Contoso => Arg.Is<string>(id => id.StartsWith("sync-contoso-202601051005-", StringComparison.Ordinal));

    [Fact]
    public async Task Each_runnable_tenant_gets_one_workflow_with_the_slot_instance_id_and_its_input()
    {
        var report = await scheduler.RunAsync(Ct);

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 10, 5, 0, TimeSpan.Zero), report.Slot);
        Assert.Collection(
            report.Tenants,
            t => Assert.StartsWith("sync-contoso-202601051005-", t.InstanceId, StringComparison.Ordinal),
            t => Assert.StartsWith("sync-fabrikam-202601051005-", t.InstanceId, StringComparison.Ordinal));
        Assert.All(report.Tenants, t => Assert.Equal(ScheduleOutcome.Scheduled, t.Outcome));
        await workflows.Received(1).ScheduleNewWorkflowAsync(
            nameof(TenantSyncWorkflow), Contoso,
            Arg.Is<TenantSyncInput>(i => i.Equals(new TenantSyncInput("contoso", report.Slot, time.GetUtcNow(), 200, 20, null, 0) { PagesPerActivity = 3 })),
            null, Arg.Is<CancellationToken>(t => t.CanBeCanceled));
    }

    [Fact]
    public async Task A_scheduled_run_is_listed_at_once_as_running_and_a_failed_schedule_lists_nothing()
    {
        workflows.ScheduleNewWorkflowAsync(nameof(TenantSyncWorkflow), Arg.Is<string>(id => id.StartsWith("sync-fabrikam-", StringComparison.Ordinal)),
                Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "connection refused")));
        var runs = new RunStore(store, time);

        var report = await scheduler.RunAsync(Ct);

        var run = Assert.Single(await runs.ListAsync("contoso", 10, Ct));
        Assert.Equal(
            (report.Tenants[0].InstanceId, RunStatus.Running, time.GetUtcNow(), (DateTimeOffset?)null),
            (run.RunId, run.Status, run.StartedAt, run.FinishedAt));
        Assert.Empty(run.Kinds);
        Assert.Equal(ScheduleOutcome.Failed, report.Tenants[1].Outcome);
        Assert.Empty(await runs.ListAsync("fabrikam", 10, Ct));
    }

    [Fact]
    public async Task A_second_tick_in_the_same_slot_schedules_nothing()
    {
        await scheduler.RunAsync(Ct);
        workflows.ClearReceivedCalls();

        var report = await scheduler.RunAsync(Ct);

        Assert.All(report.Tenants, t => Assert.Equal(ScheduleOutcome.DuplicateSlot, t.Outcome));
        await workflows.DidNotReceive().ScheduleNewWorkflowAsync(
            Arg.Any<string>(), Arg.Any<string?>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_instance_the_engine_already_has_is_a_duplicate_not_an_error()
    {
        Scheduling(Contoso)
            .ThrowsAsync(new RpcException(new Status(StatusCode.AlreadyExists, "An orchestration with id 'sync-contoso-202601051005' already exists")));

        var report = await scheduler.RunAsync(Ct);

        Assert.Equal([ScheduleOutcome.AlreadyExists, ScheduleOutcome.Scheduled], report.Tenants.Select(t => t.Outcome));
    }

    [Fact]
    public async Task A_failed_schedule_is_reported_gives_the_lease_back_and_the_next_tick_retries()
    {
        Scheduling(Contoso)
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "connection refused")));

        var failed = await scheduler.RunAsync(Ct);
        workflows.ClearSubstitute(ClearOptions.All);
        var retried = await scheduler.RunAsync(Ct);

        var contoso = failed.Tenants[0];
        Assert.Equal(ScheduleOutcome.Failed, contoso.Outcome);
        Assert.Contains("connection refused", contoso.Detail, StringComparison.Ordinal);
        Assert.Equal(ScheduleOutcome.Scheduled, failed.Tenants[1].Outcome);
        Assert.Equal([ScheduleOutcome.Scheduled, ScheduleOutcome.DuplicateSlot], retried.Tenants.Select(t => t.Outcome));
    }

    [Fact]
    public async Task Every_tick_and_slot_gets_an_instance_id_never_used_before()
    {
        var first = await scheduler.RunAsync(Ct);
        await store.DeleteAsync(SyncLeaseStore.Key("contoso"), Ct);          // the lease gone: the same slot runs again
        var again = await scheduler.RunAsync(Ct);

        Assert.Equal(ScheduleOutcome.Scheduled, again.Tenants[0].Outcome);
        Assert.NotEqual(first.Tenants[0].InstanceId, again.Tenants[0].InstanceId);
    }

    [Fact]
    public async Task A_start_whose_deadline_expired_after_the_instance_was_created_keeps_the_lease()
    {
        // StartInstance answers only once the run has started: the deadline can expire after the engine created it.
        Scheduling(Contoso)
            .ThrowsAsync(new OperationCanceledException());
        probe.ExistsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(true);

        var report = await scheduler.RunAsync(Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        var next = await scheduler.RunAsync(Ct);

        Assert.Equal(ScheduleOutcome.Scheduled, report.Tenants[0].Outcome);
        var (lease, _) = await store.GetAsync<SyncLease>(SyncLeaseStore.Key("contoso"), Ct);
        Assert.Equal(SyncLeaseStatus.Running, lease!.Status);
        Assert.Equal(report.Tenants[0].InstanceId, lease.InstanceId);
        Assert.Equal(ScheduleOutcome.RunInProgress, next.Tenants[0].Outcome);
    }

    [Fact]
    public async Task A_start_that_failed_where_the_lookup_fails_too_keeps_the_lease_until_it_expires()
    {
        Scheduling(Contoso)
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "connection refused")));
        probe.ExistsAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).ThrowsAsync(
            new RpcException(new Status(StatusCode.Unavailable, "connection refused")));

        var report = await scheduler.RunAsync(Ct);

        Assert.Equal(ScheduleOutcome.Failed, report.Tenants[0].Outcome);
        Assert.StartsWith("Not confirmed", report.Tenants[0].Detail, StringComparison.Ordinal);
        var (lease, _) = await store.GetAsync<SyncLease>(SyncLeaseStore.Key("contoso"), Ct);
        Assert.Equal(SyncLeaseStatus.Running, lease!.Status);
    }

    [Fact]
    public async Task Scheduling_that_never_answers_is_cut_by_the_deadline_on_the_injected_clock()
    {
        // Ten minutes on the scheduler's clock: the fake clock passes them at once, the wall clock would not within the test.
        var slow = new SyncCronScheduler(
            tenants, new SyncLeaseStore(store, time, NullLogger<SyncLeaseStore>.Instance), workflows, probe, new RunStore(store, time), RetentionOff.Ledger(
                store,
                time),
            Options.Create(new SyncScheduleOptions { Interval = TimeSpan.FromMinutes(5), SidecarCallTimeout = TimeSpan.FromMinutes(10) }), Options.Create(
                new ThroughputOptions()), time,
            NullLogger<SyncCronScheduler>.Instance);
        var waiting = new SemaphoreSlim(0);
        workflows.ScheduleNewWorkflowAsync(
            Arg.Any<string>(),
            Arg.Any<string?>(),
            Arg.Any<TenantSyncInput>(),
            Arg.Any<DateTimeOffset?>(),
            Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                waiting.Release();
                return Task.Delay(Timeout.Infinite, ci.ArgAt<CancellationToken>(4)).ContinueWith<string>(
                    _ => throw new OperationCanceledException(), TaskScheduler.Default);
            });

        var tick = slow.RunAsync(Ct);
        for (var tenant = 0; tenant < 2; tenant++)
        {
            Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct), "the scheduling call of the next tenant was never made");
            time.Advance(TimeSpan.FromMinutes(10));
        }

        var report = await tick.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.All(report.Tenants, t =>
        {
            Assert.Equal(ScheduleOutcome.Failed, t.Outcome);
            Assert.Contains("did not answer within 600 s", t.Detail, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_tenant_id_that_cannot_form_an_instance_id_is_reported_and_the_others_go_on()
    {
        tenants.ListRunnableTenantIdsAsync(Arg.Any<CancellationToken>()).Returns(["Bad_Id", "contoso"]);

        var report = await scheduler.RunAsync(Ct);

        Assert.Equal([ScheduleOutcome.InvalidTenantId, ScheduleOutcome.Scheduled], report.Tenants.Select(t => t.Outcome));
        Assert.Equal("Tenant ids are 1-63 lower-case letters, digits or '-', starting with a letter or digit", report.Tenants[0].Detail);
    }
}
