using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Throughput;
using AcumaticaZendesk.SyncWorker.Retention;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>
/// A tick of many tenants: scheduled side by side up to <see cref="SyncScheduleOptions.MaxConcurrentSchedules"/> (one after
/// the other, 1,000 tenants took over 30 s on the stand-in sidecar), in an order of its own, their runs filed for retention in
/// one write; a run record that cannot be written does not stop the tick (the many-tenants benchmark found each of these).
/// </summary>
public sealed class SyncCronSchedulerConcurrencyTests
{
    private const int Limit = 3;

    private readonly InMemoryConnectorStateStore store = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 5, 10, 7, 12, TimeSpan.Zero));
    private readonly ITenantDirectory tenants = Substitute.For<ITenantDirectory>();
    private readonly IDaprWorkflowClient workflows = Substitute.For<IDaprWorkflowClient>();
    private readonly string[] ids = [.. Enumerable.Range(1, 10).Select(i => $"tenant-{i:D2}")];

    public SyncCronSchedulerConcurrencyTests() => tenants.ListRunnableTenantIdsAsync(Arg.Any<CancellationToken>()).Returns(ids);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tick_schedules_tenants_side_by_side_never_more_than_the_limit_and_reports_them_in_order()
    {
        var inFlight = 0;
        var most = 0;
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        workflows.ScheduleNewWorkflowAsync(
                nameof(TenantSyncWorkflow), Arg.Any<string?>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>())
            .Returns(async ci =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
                if (now == Limit)
                {
                    full.TrySetResult();
                }

                // Each start waits until the limit was reached once (or 2 s, so a scheduler that starts one at a time fails, not hangs).
                await Task.WhenAny(full.Task, Task.Delay(TimeSpan.FromSeconds(2), Ct));
                Interlocked.Decrement(ref inFlight);
                return ci.ArgAt<string>(1);
            });

        var report = await Scheduler(retentionEnabled: false).RunAsync(Ct);

        Assert.Equal(Limit, most);
        Assert.Equal(ids, report.Tenants.Select(t => t.TenantId));
        Assert.All(report.Tenants, t => Assert.Equal(ScheduleOutcome.Scheduled, t.Outcome));
    }

    [Fact]
    public async Task A_tick_files_all_its_runs_for_retention_in_one_write_of_the_hours_bucket()
    {
        var bucketWrites = 0;
        store.BeforeConditionalWrite = key => bucketWrites += key.StartsWith("workflow-retention:20", StringComparison.Ordinal) ? 1 : 0;

        var report = await Scheduler(retentionEnabled: true).RunAsync(Ct);

        Assert.Equal(1, bucketWrites);
        var due = WorkflowRetentionLedger.HourOf(time.GetUtcNow() + new WorkflowRetentionOptions().Completed);
        var bucket = (await store.GetAsync<WorkflowRetentionBucket>(WorkflowRetentionLedger.BucketKey(due), Ct)).Value;
        Assert.NotNull(bucket);
        Assert.Equal(report.Tenants.Select(t => t.InstanceId).Order(), bucket.InstanceIds.Order());
    }

    [Fact]
    public async Task Each_tick_takes_the_tenants_in_its_own_order_so_two_replicas_do_not_race_in_step_and_reports_them_as_listed()
    {
        var started = new List<string>();
        workflows.ScheduleNewWorkflowAsync(
                nameof(TenantSyncWorkflow), Arg.Any<string?>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                lock (started)
                {
                    started.Add(ci.ArgAt<TenantSyncInput>(2).TenantId);
                }

                return Task.FromResult(ci.ArgAt<string>(1));
            });

        var report = await Scheduler(retentionEnabled: false, limit: 1).RunAsync(Ct);

        // One order in 10! (3.6 million) is the listed one.
        Assert.Equal(ids.Order(), started.Order());
        Assert.NotEqual(ids, started);
        Assert.Equal(ids, report.Tenants.Select(t => t.TenantId));
    }

    [Fact]
    public async Task A_run_record_the_sidecar_cannot_write_leaves_the_run_scheduled_and_the_tick_goes_on()
    {
        workflows.ScheduleNewWorkflowAsync(
                nameof(TenantSyncWorkflow), Arg.Any<string?>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>())
            .Returns(ci => Task.FromResult(ci.ArgAt<string>(1)));
        store.BeforeConditionalWrite = key =>
        {
            if (key.StartsWith("runs:tenant-03:", StringComparison.Ordinal))
            {
                throw new RpcException(new Status(StatusCode.Internal, "circuit breaker is open"));
            }
        };

        var report = await Scheduler(retentionEnabled: false).RunAsync(Ct);

        Assert.All(report.Tenants, t => Assert.Equal(ScheduleOutcome.Scheduled, t.Outcome));
        await workflows.Received(ids.Length).ScheduleNewWorkflowAsync(
            nameof(TenantSyncWorkflow), Arg.Any<string?>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>());
    }

    private SyncCronScheduler Scheduler(bool retentionEnabled, int limit = Limit) => new(
        tenants,
        new SyncLeaseStore(store, time, NullLogger<SyncLeaseStore>.Instance),
        workflows,
        Substitute.For<IWorkflowRunProbe>(),
        new RunStore(store, time),
        new WorkflowRetentionLedger(
            store, Options.Create(new WorkflowRetentionOptions { Enabled = retentionEnabled }), time, NullLogger<WorkflowRetentionLedger>.Instance),
        Options.Create(new SyncScheduleOptions { Interval = TimeSpan.FromMinutes(5), MaxConcurrentSchedules = limit }),
        Options.Create(new ThroughputOptions()),
        time,
        NullLogger<SyncCronScheduler>.Instance);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
