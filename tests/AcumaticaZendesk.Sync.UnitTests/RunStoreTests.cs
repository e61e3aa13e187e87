using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>
/// The one record of a run as the operator API, the console and the alerts read it: its final status, each kind's
/// window and counts, its errors and the list of recent runs.
/// </summary>
public sealed class RunStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider _time = new(TestData.T0);
    private readonly InMemoryConnectorStateStore _store = new();
    private readonly RunStore _runs;

    public RunStoreTests() => _runs = new RunStore(_store, _time);

    [Fact]
    public async Task A_run_that_left_failed_records_ends_completed_with_failures_and_a_clean_one_completed()
    {
        await RecordAsync("r1", EntityKind.Customer, Counts(created: 2, failed: 1), TestData.T0);
        await RecordAsync("r2", EntityKind.Customer, Counts(created: 3), TestData.T0);

        var withFailures = await _runs.CompleteAsync("acme", "r1", RunStatus.Completed, null, None);
        var clean = await _runs.CompleteAsync("acme", "r2", RunStatus.Completed, null, None);
        var stopped = await _runs.CompleteAsync("acme", "r3", RunStatus.Failed, "Acumatica refused the sign-in", None);

        Assert.Equal(RunStatus.CompletedWithFailures, withFailures.Status);
        Assert.Equal(RunStatus.Completed, clean.Status);
        Assert.Equal(RunStatus.Failed, stopped.Status);
        Assert.Equal(TestData.T0, clean.FinishedAt);
    }

    [Fact]
    public async Task A_kind_s_window_runs_from_the_watermark_first_read_to_the_last_one_committed_and_its_counts_add_up()
    {
        var from = TestData.T0.AddDays(-1);
        await _runs.RecordPageAsync("acme", "r1", false, EntityKind.Contact, Page(Counts(created: 2), TestData.T0.AddMinutes(1)), from, 1, false, None);
        await _runs.RecordPageAsync(
            "acme",
            "r1",
            false,
            EntityKind.Contact,
            Page(Counts(updated: 3, failed: 1), TestData.T0.AddMinutes(2)),
            null,
            2,
            false,
            None);
        // The last page of a window may move no watermark (nothing new): the committed one stays.
        await _runs.RecordPageAsync("acme", "r1", false, EntityKind.Contact, Page(Counts(unchanged: 4), null), null, 0, true, None);

        var contact = (await _runs.GetAsync("acme", "r1", None))!.Kinds["contact"];

        Assert.Equal((from, TestData.T0.AddMinutes(2)), (contact.FromWatermark, contact.ToWatermark));
        Assert.Equal(new SyncCounts(3, 10, 2, 3, 4, 0, 1), contact.Counts);
        Assert.Equal(3, contact.Duplicates);
        Assert.True(contact.WindowClosed);
    }

    [Fact]
    public async Task Errors_are_kept_in_the_order_they_happened_without_secrets_and_only_the_newest_fifty()
    {
        for (var i = 0; i <= RunStore.ErrorLimit; i++)
        {
            await _runs.CompleteAsync("acme", "r1", RunStatus.Failed, $"attempt {i} failed: token=secret-{i}", None);
        }

        var afterNoError = await _runs.CompleteAsync("acme", "r1", RunStatus.Failed, null, None);

        Assert.Equal(RunStore.ErrorLimit, afterNoError.Errors.Count);
        Assert.StartsWith("attempt 1 failed", afterNoError.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"attempt {RunStore.ErrorLimit} failed", afterNoError.Errors[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(afterNoError.Errors, e => e.Contains("secret-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_that_ends_before_anything_was_recorded_is_listed_once()
    {
        await _runs.CompleteAsync("acme", "r1", RunStatus.Failed, "the tenant needs a new Zendesk authorization", None);
        await RecordAsync("r2", EntityKind.Customer, Counts(created: 1), TestData.T0);
        await RecordAsync("r2", EntityKind.Vendor, Counts(created: 1), TestData.T0);
        await _runs.CompleteAsync("acme", "r2", RunStatus.Completed, null, None);

        Assert.Equal(["r2", "r1"], (await _runs.ListAsync("acme", 10, None)).Select(r => r.RunId));
    }

    [Fact]
    public async Task The_list_keeps_the_newest_runs_up_to_its_limit()
    {
        for (var i = 0; i <= RunStore.IndexLimit; i++)
        {
            await _runs.StartAsync("acme", $"r{i}", None);
        }

        var listed = await _runs.ListAsync("acme", RunStore.IndexLimit + 10, None);

        Assert.Equal(RunStore.IndexLimit, listed.Count);
        Assert.Equal($"r{RunStore.IndexLimit}", listed[0].RunId);
        Assert.DoesNotContain(listed, r => r.RunId == "r0");
    }

    [Fact]
    public async Task A_run_that_leaves_the_list_is_deleted_with_its_pages_of_records_and_the_records_keep_their_history()
    {
        var audit = new AuditTrail(_store, new AuditRetention(), _time);
        var record = new RecordRef(EntityKind.Customer, "C1");
        AuditEntry Entry(string run) => new(run, _time.GetUtcNow(), AuditAction.Created, 1, "created");
        await _runs.StartAsync("acme", "r0", None);
        await audit.AppendAsync("acme", "r0", [new RecordAudit(record, "C1", 1, [Entry("r0")])], None);
        await audit.AppendAsync("acme", "r0", [new RecordAudit(record, "C1", 1, [Entry("r0")])], None);
        Assert.Equal(2, (await audit.GetRunRecordsAsync("acme", "r0", 0, 10, None)).Count);

        for (var i = 1; i < RunStore.IndexLimit; i++)
        {
            await _runs.StartAsync("acme", $"r{i}", None);
        }

        Assert.NotNull(await _runs.GetAsync("acme", "r0", None)); // still the 500th
        await _runs.StartAsync("acme", $"r{RunStore.IndexLimit}", None);

        Assert.Null(await _runs.GetAsync("acme", "r0", None));
        Assert.Empty(await audit.GetRunRecordsAsync("acme", "r0", 0, 10, None));
        Assert.Null((await _store.GetAsync<RunPageRecords>(StateKeys.RunPage("acme", "r0", 1), None)).Value);
        Assert.Null((await _store.GetAsync<System.Text.Json.JsonElement?>(StateKeys.RunPages("acme", "r0"), None)).Value);
        Assert.NotNull(await _runs.GetAsync("acme", "r1", None));
        Assert.NotNull(await audit.GetAsync("acme", EntityKind.Customer, "C1", None)); // the record's own history stays
    }

    private Task RecordAsync(string run, EntityKind kind, SyncCounts counts, DateTimeOffset watermark) =>
        _runs.RecordPageAsync("acme", run, false, kind, Page(counts, watermark), null, 0, true, None);

    private static SyncPagesResult Page(SyncCounts counts, DateTimeOffset? watermark) => new(EntityKind.Customer, counts, false, watermark);

    private static SyncCounts Counts(int created = 0, int updated = 0, int unchanged = 0, int failed = 0) =>
        new(1, created + updated + unchanged + failed, created, updated, unchanged, 0, failed);
}
