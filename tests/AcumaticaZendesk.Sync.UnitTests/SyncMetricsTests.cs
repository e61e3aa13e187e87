using System.Diagnostics.Metrics;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// What an operator's dashboard reads from the <c>AcumaticaZendesk.Sync</c> meter: instrument names, units, tags and
/// values. The instruments are process-wide and other tests record at the same time, so each test reads only its own
/// tenant's measurements.
/// </summary>
[Collection(nameof(SyncMetricsTests))] // one test at a time: SyncMetrics.Time is process-wide
public sealed class SyncMetricsTests
{
    private static readonly DateTimeOffset T0 = TestData.T0;

    private static string NewTenant() => $"metrics-{Guid.NewGuid():N}";

    [Fact]
    public void A_committed_page_counts_each_outcome_it_had_by_tenant_kind_and_outcome()
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);

        SyncMetrics.PageCommitted(tenant, EntityKind.Contact, new SyncPagesResult(EntityKind.Contact, new SyncCounts(1, 14, 1, 2, 3, 5, 4), false, null));

        var records = meter.Of("sync.records");
        Assert.All(records, r => Assert.Equal(("{record}", "contact"), (r.Unit, r.Tags["kind"])));
        Assert.Equal(
            [("created", 1.0), ("failed", 4.0), ("skipped", 5.0), ("unchanged", 3.0), ("updated", 2.0)],
            records.Select(r => ((string)r.Tags["outcome"]!, r.Value)).Order());
    }

    [Fact]
    public async Task A_dry_run_s_pages_are_not_counted_as_synced_records_and_a_real_run_s_are()
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);
        var runs = new RunStore(new Sync.State.InMemoryConnectorStateStore(), new FakeTimeProvider(T0));
        var page = new SyncPagesResult(EntityKind.Customer, new SyncCounts(1, 5, 5, 0, 0, 0, 0), false, T0);

        await runs.RecordPageAsync(tenant, "plan-1", true, EntityKind.Customer, page, null, 0, true, CancellationToken.None);
        Assert.Empty(meter.Of("sync.records"));
        await runs.RecordPageAsync(tenant, "run-1", false, EntityKind.Customer, page, null, 0, true, CancellationToken.None);

        Assert.Equal([("created", 5.0)], meter.Of("sync.records").Select(r => ((string)r.Tags["outcome"]!, r.Value)));
    }

    [Fact]
    public void The_watermark_lag_is_the_age_of_the_newest_change_committed_and_never_goes_back_or_below_zero()
    {
        var tenant = NewTenant();
        var time = new FakeTimeProvider(T0.AddMinutes(10));
        var before = SyncMetrics.Time;
        SyncMetrics.Time = time;
        try
        {
            using var meter = new MeterReader(tenant);
            SyncMetrics.PageCommitted(tenant, EntityKind.Customer, Page(EntityKind.Customer, T0.AddMinutes(8)));
            SyncMetrics.PageCommitted(tenant, EntityKind.Customer, Page(EntityKind.Customer, T0)); // an older page: ignored
            SyncMetrics.PageCommitted(tenant, EntityKind.Vendor, Page(EntityKind.Vendor, T0.AddMinutes(30))); // clock skew

            var lags = meter.Observe("sync.watermark.lag");

            Assert.Equal([("customer", 120.0), ("vendor", 0.0)], lags.Select(l => ((string)l.Tags["kind"]!, l.Value)).Order());
            Assert.All(lags, l => Assert.Equal("s", l.Unit));
            time.Advance(TimeSpan.FromMinutes(1)); // nothing changes: the lag grows
            Assert.Equal(180.0, meter.Observe("sync.watermark.lag").Single(l => (string)l.Tags["kind"]! == "customer").Value);
            SyncMetrics.PageCommitted(tenant, EntityKind.Customer, Page(EntityKind.Customer, T0.AddMinutes(10))); // a newer page: taken
            Assert.Equal(60.0, meter.Observe("sync.watermark.lag").Single(l => (string)l.Tags["kind"]! == "customer").Value);
        }
        finally
        {
            SyncMetrics.Time = before;
        }
    }

    [Fact]
    public void Missing_pages_and_runs_are_refused_by_name()
    {
        Assert.Equal("page", Assert.Throws<ArgumentNullException>(() => SyncMetrics.PageCommitted(NewTenant(), EntityKind.Customer, null!)).ParamName);
        Assert.Equal("run", Assert.Throws<ArgumentNullException>(() => SyncMetrics.RunFinished(null!)).ParamName);
    }

    [Fact]
    public void A_finished_run_is_counted_by_status_with_its_length_and_a_running_one_has_no_length()
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);

        SyncMetrics.RunFinished(Run(tenant, RunStatus.CompletedWithFailures, finishedAfter: TimeSpan.FromSeconds(42)));
        SyncMetrics.RunFinished(Run(tenant, RunStatus.Terminated, finishedAfter: TimeSpan.FromSeconds(-5)));
        SyncMetrics.RunFinished(Run(tenant, RunStatus.Running, finishedAfter: null));

        Assert.Equal(
            [("completed-with-failures", 1.0), ("running", 1.0), ("terminated", 1.0)],
            meter.Of("sync.runs").Select(r => ((string)r.Tags["status"]!, r.Value)).Order());
        Assert.Equal(
            [("completed-with-failures", 42.0), ("terminated", 0.0)],
            meter.Of("sync.run.duration").Select(r => ((string)r.Tags["status"]!, r.Value)).Order());
        Assert.All(meter.Of("sync.runs"), r => Assert.Equal("{run}", r.Unit));
    }

    [Theory]
    [InlineData(RunStatus.Completed, "completed")]
    [InlineData(RunStatus.Failed, "failed")]
    public void Each_run_status_has_its_own_tag_value(RunStatus status, string tag)
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);

        SyncMetrics.RunFinished(Run(tenant, status, finishedAfter: TimeSpan.FromSeconds(1)));

        Assert.Equal(tag, Assert.Single(meter.Of("sync.runs")).Tags["status"]);
    }

    [Fact]
    public void The_replay_queue_gauge_reports_the_size_last_written()
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);

        SyncMetrics.ReplayQueueSize(tenant, 7);
        SyncMetrics.ReplayQueueSize(tenant, 3);

        var size = Assert.Single(meter.Observe("sync.replay_queue.size"));
        Assert.Equal((3.0, "{record}"), (size.Value, size.Unit));
    }

    [Fact]
    public async Task The_replay_queue_gauge_follows_the_queue_as_records_fail_and_are_replayed()
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);
        var queue = new FailedRecordQueue(new State.InMemoryConnectorStateStore(), new AuditRetention());
        var error = new WriteError(WriteErrorKind.Other, "Other", "boom");
        FailedRecord Failed(string key) => new(EntityKind.Customer, key, "r1", T0, T0, 1, error);

        await queue.EnqueueAsync(tenant, [Failed("C1"), Failed("C2"), Failed("C3")], CancellationToken.None);
        Assert.Equal(3.0, Assert.Single(meter.Observe("sync.replay_queue.size")).Value);

        await queue.RemoveAsync(tenant, [new RecordRef(EntityKind.Customer, "C2")], CancellationToken.None);
        Assert.Equal(2.0, Assert.Single(meter.Observe("sync.replay_queue.size")).Value);
    }

    [Fact]
    public void The_ticket_flow_lag_is_recorded_in_seconds_and_a_clock_ahead_of_zendesk_counts_as_zero()
    {
        var tenant = NewTenant();
        using var meter = new MeterReader(tenant);

        SyncMetrics.TicketApplied(tenant, TimeSpan.FromMilliseconds(1500));
        SyncMetrics.TicketApplied(tenant, TimeSpan.FromSeconds(-3));

        Assert.Equal([0.0, 1.5], meter.Of("sync.ticket_flow.lag").Select(l => l.Value).Order());
    }

    private static SyncPagesResult Page(EntityKind kind, DateTimeOffset watermark) => new(kind, new SyncCounts(1, 1, 0, 0, 1, 0, 0), false, watermark);

    private static RunRecord Run(string tenant, RunStatus status, TimeSpan? finishedAfter) =>
        new("run-1", tenant, T0, T0, T0 + finishedAfter, status, false, new Dictionary<string, KindProgress>(), []);

    /// <summary>Listens to the sync meter and keeps the measurements tagged with one tenant.</summary>
    private sealed class MeterReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<Reading> _readings = [];
        private readonly string _tenant;

        public MeterReader(string tenant)
        {
            _tenant = tenant;
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SyncMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public IReadOnlyList<Reading> Of(string instrument)
        {
            lock (_readings)
            {
                return _readings.Where(r => r.Instrument == instrument).ToArray();
            }
        }

        public IReadOnlyList<Reading> Observe(string instrument)
        {
            lock (_readings)
            {
                _readings.RemoveAll(r => r.Instrument == instrument);
            }

            _listener.RecordObservableInstruments();
            return Of(instrument);
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("tenant"), _tenant))
            {
                lock (_readings)
                {
                    _readings.Add(new Reading(instrument.Name, instrument.Unit, value, map));
                }
            }
        }
    }

    private sealed record Reading(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags);
}
