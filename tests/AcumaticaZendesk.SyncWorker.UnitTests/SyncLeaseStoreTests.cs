using AcumaticaZendesk.SyncWorker.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

public sealed class SyncLeaseStoreTests
{
    private static readonly DateTimeOffset Slot = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextSlot = Slot.AddMinutes(5);
    private static readonly TimeSpan Duration = TimeSpan.FromHours(1);

    private readonly InMemoryConnectorStateStore store = new();
    private readonly FakeTimeProvider time = new(Slot.AddSeconds(30));
    private readonly SyncLeaseStore leases;

    public SyncLeaseStoreTests() => leases = new SyncLeaseStore(store, time, NullLogger<SyncLeaseStore>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, 0, LeaseOutcome.Acquired)]
    [InlineData(SyncLeaseStatus.Running, 0, LeaseOutcome.DuplicateSlot)]
    [InlineData(SyncLeaseStatus.Released, 0, LeaseOutcome.DuplicateSlot)]
    [InlineData(SyncLeaseStatus.ScheduleFailed, 0, LeaseOutcome.Acquired)]
    [InlineData(SyncLeaseStatus.Running, 5, LeaseOutcome.HeldByActiveRun)]
    [InlineData(SyncLeaseStatus.Released, 5, LeaseOutcome.Acquired)]
    [InlineData(SyncLeaseStatus.ScheduleFailed, 5, LeaseOutcome.Acquired)]
    public void Decisions(SyncLeaseStatus? status, int minutesLater, LeaseOutcome expected)
    {
        var current = status is null ? null : Lease(status.Value, expiresAt: Slot.AddHours(1));

        Assert.Equal(expected, SyncLeaseStore.Decide(current, Slot.AddMinutes(minutesLater), Slot.AddMinutes(minutesLater)));
    }

    [Fact]
    public void An_expired_running_lease_can_be_taken_over()
    {
        var current = Lease(SyncLeaseStatus.Running, expiresAt: NextSlot.AddSeconds(-1));

        Assert.Equal(LeaseOutcome.Acquired, SyncLeaseStore.Decide(current, NextSlot, NextSlot));
    }

    [Fact]
    public async Task The_first_trigger_acquires_and_a_second_in_the_same_slot_is_a_duplicate()
    {
        var first = await Acquire("sync-contoso-a", Slot);
        var second = await Acquire("sync-contoso-a", Slot);

        Assert.Equal(LeaseOutcome.Acquired, first.Outcome);
        Assert.Equal(SyncLeaseStatus.Running, first.Lease!.Status);
        Assert.Equal(time.GetUtcNow() + Duration, first.Lease.ExpiresAt);
        Assert.Equal(LeaseOutcome.DuplicateSlot, second.Outcome);
    }

    [Fact]
    public async Task A_live_run_keeps_the_lease_in_the_next_slot_unless_the_engine_says_it_is_over()
    {
        await Acquire("sync-contoso-a", Slot);
        time.SetUtcNow(NextSlot);

        var held = await Acquire("sync-contoso-b", NextSlot, finished: false);
        var takenOver = await Acquire("sync-contoso-b", NextSlot, finished: true);

        Assert.Equal(LeaseOutcome.HeldByActiveRun, held.Outcome);
        Assert.Equal("sync-contoso-a", held.Lease!.InstanceId);
        Assert.Equal(LeaseOutcome.Acquired, takenOver.Outcome);
        Assert.Equal("sync-contoso-b", takenOver.Lease!.InstanceId);
    }

    [Fact]
    public async Task A_writer_that_changes_the_lease_between_read_and_write_wins_and_the_other_backs_off()
    {
        store.BeforeConditionalWrite = key =>
        {
            store.BeforeConditionalWrite = null;
            store.SaveAsync(key, Lease(SyncLeaseStatus.Running, expiresAt: Slot.AddHours(1)) with { InstanceId = "other-replica" }, Ct)
                .GetAwaiter().GetResult();
        };

        var attempt = await Acquire("sync-contoso-a", Slot);

        Assert.Equal(LeaseOutcome.LostRace, attempt.Outcome);
    }

    [Fact]
    public async Task Release_is_idempotent_and_never_touches_another_runs_lease()
    {
        await Acquire("sync-contoso-a", Slot);

        Assert.False(await leases.ReleaseAsync("contoso", "sync-contoso-other", SyncLeaseStatus.Released, Ct));
        Assert.True(await leases.ReleaseAsync("contoso", "sync-contoso-a", SyncLeaseStatus.Released, Ct));
        Assert.True(await leases.ReleaseAsync("contoso", "sync-contoso-a", SyncLeaseStatus.Released, Ct));

        var stored = (await store.GetAsync<SyncLease>(SyncLeaseStore.Key("contoso"), Ct)).Value!;
        Assert.Equal(SyncLeaseStatus.Released, stored.Status);
        Assert.Equal(time.GetUtcNow(), stored.ReleasedAt);
    }

    [Fact]
    public async Task A_lease_given_back_after_a_failed_schedule_lets_the_same_slot_try_again()
    {
        await Acquire("sync-contoso-a", Slot);
        await leases.ReleaseAsync("contoso", "sync-contoso-a", SyncLeaseStatus.ScheduleFailed, Ct);

        Assert.Equal(LeaseOutcome.Acquired, (await Acquire("sync-contoso-a", Slot)).Outcome);
    }

    private Task<LeaseAttempt> Acquire(string instanceId, DateTimeOffset slot, bool finished = false) =>
        leases.TryAcquireAsync("contoso", instanceId, slot, Duration, (_, _) => Task.FromResult(finished), Ct);

    private static SyncLease Lease(SyncLeaseStatus status, DateTimeOffset expiresAt) =>
        new("contoso", "sync-contoso-a", Slot, status, "token", Slot, expiresAt);
}
