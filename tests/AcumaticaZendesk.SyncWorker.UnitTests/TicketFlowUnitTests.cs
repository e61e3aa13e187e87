using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Throughput;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.SyncWorker.Tickets;
using AcumaticaZendesk.Zendesk;
using Dapr.Workflow;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

public sealed class EarlySyncTriggerTests
{
    private readonly InMemoryConnectorStateStore store = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 5, 10, 7, 12, TimeSpan.Zero));
    private readonly ITenantDirectory tenants = Substitute.For<ITenantDirectory>();
    private readonly IDaprWorkflowClient workflows = Substitute.For<IDaprWorkflowClient>();
    private readonly EarlySyncTrigger trigger;

    public EarlySyncTriggerTests()
    {
        var options = Options.Create(new SyncScheduleOptions { Interval = TimeSpan.FromMinutes(5), SidecarCallTimeout = TimeSpan.FromSeconds(1) });
        var scheduler = new SyncCronScheduler(
            tenants, new SyncLeaseStore(store, time, NullLogger<SyncLeaseStore>.Instance), workflows, Substitute.For<IWorkflowRunProbe>(), new RunStore(
                store,
                time), RetentionOff.Ledger(store, time),
            options, Options.Create(new ThroughputOptions()), time, NullLogger<SyncCronScheduler>.Instance);
        trigger = new EarlySyncTrigger(tenants, scheduler, store, time, options, NullLogger<EarlySyncTrigger>.Instance);
        tenants.ListRunnableTenantIdsAsync(Arg.Any<CancellationToken>()).Returns(["contoso"]);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signal_starts_one_early_run_and_signals_within_the_interval_are_debounced()
    {
        var first = await trigger.WakeAsync("contoso", Ct);
        time.Advance(TimeSpan.FromMinutes(4));
        var second = await trigger.WakeAsync("contoso", Ct);

        Assert.Equal(EarlySyncTrigger.Scheduled, first.Outcome);
        Assert.Equal(ScheduleOutcome.Scheduled, first.Schedule!.Outcome);
        Assert.Matches("^sync-contoso-wake-20260105100712000-[0-9a-f]{8}$", first.Schedule.InstanceId);
        Assert.Equal(EarlySyncTrigger.Debounced, second.Outcome);
        await workflows.Received(1).ScheduleNewWorkflowAsync(
            nameof(TenantSyncWorkflow), Arg.Any<string>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task After_the_interval_a_signal_may_start_another_run_but_not_while_one_is_in_progress()
    {
        await trigger.WakeAsync("contoso", Ct);             // the run is scheduled and still holds the lease
        time.Advance(TimeSpan.FromMinutes(6));

        var whileRunning = await trigger.WakeAsync("contoso", Ct);

        Assert.Equal(EarlySyncTrigger.Scheduled, whileRunning.Outcome);
        Assert.Equal(ScheduleOutcome.RunInProgress, whileRunning.Schedule!.Outcome);
        await workflows.Received(1).ScheduleNewWorkflowAsync(
            nameof(TenantSyncWorkflow), Arg.Any<string>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_signal_for_a_tenant_that_is_not_runnable_schedules_nothing()
    {
        var result = await trigger.WakeAsync("globex", Ct);

        Assert.Equal(EarlySyncTrigger.NotRunnable, result.Outcome);
        Assert.Null((await store.GetAsync<SyncWake>(EarlySyncTrigger.Key("globex"), Ct)).Value);
        await workflows.DidNotReceive().ScheduleNewWorkflowAsync(
            Arg.Any<string>(), Arg.Any<string>(), Arg.Any<TenantSyncInput>(), Arg.Any<DateTimeOffset?>(), Arg.Any<CancellationToken>());
    }
}

public sealed class TicketRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 29, 10, TimeSpan.Zero);

    [Fact]
    public void The_instance_id_is_the_same_for_the_same_change_and_differs_for_a_later_one()
    {
        var change = new TicketChange("acme", 35436, At, TicketChangeSource.Webhook, "e1");

        Assert.Equal("ticket-acme-35436-20260302092910", change.InstanceId);
        Assert.Equal(change.InstanceId, (change with { EventId = "e2" }).InstanceId);
        Assert.NotEqual(change.InstanceId, (change with { UpdatedAt = At.AddSeconds(1) }).InstanceId);
    }

    [Fact]
    public void A_follow_up_instance_id_is_stable_per_event_and_differs_between_events()
    {
        var change = new TicketChange("acme", 35436, At, TicketChangeSource.Webhook, "01HEVT-comment");

        Assert.StartsWith(change.InstanceId + "-", change.FollowUpInstanceId, StringComparison.Ordinal);
        Assert.Equal(change.FollowUpInstanceId, (change with { }).FollowUpInstanceId);
        Assert.NotEqual(change.FollowUpInstanceId, (change with { EventId = "01HEVT-status" }).FollowUpInstanceId);
        Assert.Matches("^[a-z0-9-]+$", change.FollowUpInstanceId);
        Assert.Null((change with { EventId = null }).FollowUpInstanceId);
    }

    [Theory]
    [InlineData(0, 100L, false)]      // same version
    [InlineData(-60, 99L, false)]     // older
    [InlineData(60, 100L, true)]      // updated later
    [InlineData(0, 101L, true)]       // a system change bumped only the export timestamp
    public void A_version_is_applied_only_when_newer(int updatedOffsetSeconds, long generated, bool newer)
    {
        var applied = new TicketApplied(At, 100, TicketContextOutcome.Updated, Guid.NewGuid(), At);

        Assert.Equal(newer, applied.IsOlderThan(At.AddSeconds(updatedOffsetSeconds), generated));
    }

    [Theory]
    [InlineData(true, 0, 100L, true)]      // same version, read after its second: nothing to do
    [InlineData(false, 0, 100L, false)]    // same version read within its second: a later change may share it
    [InlineData(false, -60, 99L, true)]    // older, whether settled or not
    [InlineData(false, 60, 100L, false)]   // newer
    public void An_applied_version_covers_a_read_unless_it_is_newer_or_the_same_version_read_within_its_second(
        bool settled, int updatedOffsetSeconds, long generated, bool covers)
    {
        var applied = new TicketApplied(At, 100, TicketContextOutcome.Updated, Guid.NewGuid(), At, settled);

        Assert.Equal(covers, applied.Covers(At.AddSeconds(updatedOffsetSeconds), generated));
    }

    [Fact]
    public void A_record_stored_before_versions_could_be_unsettled_reads_as_settled()
    {
        const string stored =
            """
            {
              "updatedAt": "2026-03-02T09:29:10+00:00",
              "generatedTimestamp": 100,
              "outcome": "Updated",
              "activityId": null,
              "appliedAt": "2026-03-02T09:29:11+00:00"
            }
            """;

        var applied = System.Text.Json.JsonSerializer.Deserialize<TicketApplied>(
            stored,
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

        Assert.True(applied.Settled);
        Assert.Null(applied.Fingerprint);
        Assert.True(applied.Covers(At, 100));
    }

    [Theory]
    [InlineData(0.5, false)]   // within the version's second
    [InlineData(2.9, false)]   // the second is over, but within the clock allowance
    [InlineData(3.0, true)]
    public void A_read_settles_its_version_once_the_second_and_the_clock_allowance_are_over(double readAfterSeconds, bool settled) =>
        Assert.Equal(settled, TicketApplied.IsSettled(At, At.ToUnixTimeSeconds(), At.AddSeconds(readAfterSeconds), TimeSpan.FromSeconds(2)));

    [Fact]
    public void The_later_of_updated_at_and_generated_timestamp_is_the_version_that_must_settle() =>
        Assert.False(TicketApplied.IsSettled(At, At.ToUnixTimeSeconds() + 10, At.AddSeconds(5), TimeSpan.Zero));

    [Fact]
    public void The_activity_body_encodes_ticket_content_and_keeps_only_the_start_of_the_comment()
    {
        var ticket = new ZendeskTicket { Id = 7, Subject = "<script>alert(1)</script>", Status = "solved", UpdatedAt = At };
        var comment = new ZendeskTicketComment { Public = true, PlainBody = new string('a', 30) + "<b>tail</b>", CreatedAt = At };

        var html = TicketContextService.Body(
            ticket, new Zendesk.ZendeskUser { Name = "Rita & Co", Email = "rita@example.com" }, new Zendesk.ZendeskOrganization { Name = "Acme" },
            comment, new Uri("https://acme.zendesk.com/agent/tickets/7"), commentLength: 20);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Rita &amp; Co", html, StringComparison.Ordinal);
        Assert.DoesNotContain("tail", html, StringComparison.Ordinal);
        Assert.Contains("https://acme.zendesk.com/agent/tickets/7", html, StringComparison.Ordinal);
    }
}

public sealed class TicketLocksTests
{
    [Fact]
    public async Task A_second_writer_of_the_same_ticket_waits_for_the_first_and_other_tickets_do_not()
    {
        var locks = new TicketLocks();
        var ct = TestContext.Current.CancellationToken;
        var first = await locks.AcquireAsync("acme", 1, ct);

        var sameTicket = locks.AcquireAsync("acme", 1, ct);
        var otherTicket = await locks.AcquireAsync("acme", 2, ct);

        Assert.False(sameTicket.IsCompleted);
        otherTicket.Dispose();
        first.Dispose();
        (await sameTicket).Dispose();
        (await locks.AcquireAsync("acme", 1, ct)).Dispose();    // the entry was released and can be taken again
    }
}
