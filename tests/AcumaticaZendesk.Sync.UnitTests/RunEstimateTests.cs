using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>Percent and time left of a running run, per kind, from an earlier complete read of the kind.</summary>
public sealed class RunEstimateTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_read_is_measured_against_the_largest_earlier_full_read_and_the_rate_so_far()
    {
        var earlier = new[]
        {
            Run("r1", Now.AddHours(-3), finished: true, ("customer", Kind(read: 100, fromWatermark: null, closed: true))),
            Run("r2", Now.AddHours(-2), finished: true, ("customer", Kind(read: 120, fromWatermark: null, closed: true))),
            // An incremental read says nothing about how many records a full read has.
            Run("r3", Now.AddHours(-1), finished: true, ("customer", Kind(read: 500, fromWatermark: Now.AddDays(-1), closed: true))),
        };
        var running = Run("r4", Now.AddSeconds(-60), finished: false, ("customer", Kind(read: 30, fromWatermark: null, closed: false)));

        var estimate = Assert.Single(RunEstimate.Of(running, earlier, Now));

        Assert.Equal("customer", estimate.Kind);
        Assert.Equal(120, estimate.ExpectedRecords);
        Assert.Equal(25, estimate.Percent);
        Assert.Equal(TimeSpan.FromSeconds(180), estimate.TimeLeft);
    }

    [Fact]
    public void Without_an_earlier_full_read_only_the_counts_are_known_and_a_closed_window_is_done()
    {
        var running = Run(
            "r1", Now.AddSeconds(-30), finished: false,
            ("customer", Kind(read: 40, fromWatermark: null, closed: true)),
            ("contact", Kind(read: 10, fromWatermark: null, closed: false)));

        var estimates = RunEstimate.Of(running, [], Now).ToDictionary(e => e.Kind);

        Assert.Equal(100, estimates["customer"].Percent);
        Assert.Null(estimates["customer"].TimeLeft);
        Assert.Null(estimates["contact"].Percent);
        Assert.Null(estimates["contact"].TimeLeft);
        Assert.Equal(10, estimates["contact"].Progress.Counts.Read);
    }

    [Fact]
    public void A_kind_that_has_read_nothing_yet_or_has_only_just_started_has_no_time_left()
    {
        var earlier = new[] { Run("r1", Now.AddHours(-3), finished: true, ("customer", Kind(read: 100, fromWatermark: null, closed: true))) };
        var nothingRead = Run("r2", Now.AddSeconds(-60), finished: false, ("customer", Kind(read: 0, fromWatermark: null, closed: false)));
        var justStarted = Run("r3", Now, finished: false, ("customer", Kind(read: 10, fromWatermark: null, closed: false)));

        var none = Assert.Single(RunEstimate.Of(nothingRead, earlier, Now));
        var start = Assert.Single(RunEstimate.Of(justStarted, earlier, Now));

        Assert.Equal((0.0, null), (none.Percent, none.TimeLeft));
        Assert.Equal((10.0, null), (start.Percent, start.TimeLeft));
    }

    private static RunRecord Run(string id, DateTimeOffset started, bool finished, params (string Kind, KindProgress Progress)[] kinds) =>
        new(id, "acme", started, Now, finished ? Now : null, finished ? RunStatus.Completed : RunStatus.Running, false,
            kinds.ToDictionary(k => k.Kind, k => k.Progress), []);

    private static KindProgress Kind(int read, DateTimeOffset? fromWatermark, bool closed) =>
        new(fromWatermark, null, new SyncCounts(1, read, read, 0, 0, 0, 0), 0, closed);
}
