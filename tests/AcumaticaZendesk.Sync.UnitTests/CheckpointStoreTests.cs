using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.Time.Testing;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Operator resets and the watermark history operators read.</summary>
public sealed class CheckpointStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly InMemoryConnectorStateStore _store = new();
    private readonly FakeTimeProvider _time = new(T0.AddDays(3));

    private CheckpointStore Checkpoints => new(_store, _time);

    [Fact]
    public async Task A_reset_after_the_initial_load_re_reads_from_the_new_watermark_but_is_no_first_load_again()
    {
        await Checkpoints.TryCommitAsync("contoso", EntityKind.Customer, new PageCheckpoint
        {
            Watermark = T0.AddDays(2),
            Skip = 40,
            WindowStartedAt = T0.AddDays(2).AddHours(1),
            MaxSeen = T0.AddDays(2).AddMinutes(30),
            Seen = new Dictionary<string, DateTimeOffset> { ["C1"] = T0.AddDays(2) },
            InitialLoadCompleted = true,
        }, null, Ct);

        await Checkpoints.ResetAsync("contoso", EntityKind.Customer, T0, "ops@contoso.example", "re-read January", Ct);

        var (checkpoint, _) = await Checkpoints.GetAsync("contoso", EntityKind.Customer, Ct);
        // The first load (and with it the adoption of hand-made organizations) stays done.
        Assert.True(checkpoint!.InitialLoadCompleted);
        Assert.Equal(
            (T0, 0, (DateTimeOffset?)null, (DateTimeOffset?)null),
            (checkpoint.Watermark, checkpoint.Skip, checkpoint.WindowStartedAt, checkpoint.MaxSeen));
        Assert.Empty(checkpoint.Seen);
        Assert.Equal(_time.GetUtcNow(), checkpoint.LastCommittedAt);
        var change = Assert.Single(await Checkpoints.GetHistoryAsync("contoso", EntityKind.Customer, Ct));
        Assert.Equal(new WatermarkChange(_time.GetUtcNow(), T0.AddDays(2), T0, "re-read January", "ops@contoso.example", null), change);
    }

    [Fact]
    public async Task A_reset_before_any_load_leaves_the_first_load_to_come()
    {
        await Checkpoints.ResetAsync("contoso", EntityKind.Vendor, T0, "ops@contoso.example", "start in January", Ct);

        var (checkpoint, _) = await Checkpoints.GetAsync("contoso", EntityKind.Vendor, Ct);
        Assert.False(checkpoint!.InitialLoadCompleted);
        Assert.Equal(T0, checkpoint.Watermark);
        Assert.Null(Assert.Single(await Checkpoints.GetHistoryAsync("contoso", EntityKind.Vendor, Ct)).From);
    }

    [Fact]
    public async Task A_full_history_keeps_the_newest_changes_and_drops_the_oldest()
    {
        for (var i = 0; i < CheckpointStore.HistoryLimit; i++)
        {
            await Checkpoints.RecordAsync(
                "contoso",
                EntityKind.Contact,
                new WatermarkChange(T0.AddHours(i), null, T0.AddHours(i), "window closed", null, $"run-{i}"),
                Ct);
        }

        await Checkpoints.ResetAsync("contoso", EntityKind.Contact, T0, "ops@contoso.example", "re-read everything", Ct);

        var history = await Checkpoints.GetHistoryAsync("contoso", EntityKind.Contact, Ct);
        Assert.Equal(CheckpointStore.HistoryLimit, history.Count);
        Assert.Equal(("re-read everything", "ops@contoso.example"), (history[0].Reason, history[0].By));
        Assert.Equal("run-99", history[1].RunId);
        Assert.Equal("run-1", history[^1].RunId); // the oldest (run-0) made room
    }

    [Fact]
    public async Task A_reset_needs_who_and_why()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Checkpoints.ResetAsync("contoso", EntityKind.Customer, T0, " ", "why", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Checkpoints.ResetAsync("contoso", EntityKind.Customer, T0, "ops", "", Ct));

        Assert.Empty(await Checkpoints.GetHistoryAsync("contoso", EntityKind.Customer, Ct));
        Assert.Null((await _store.GetAsync<PageCheckpoint>(StateKeys.Checkpoint("contoso", EntityKind.Customer), Ct)).Value);
    }
}
