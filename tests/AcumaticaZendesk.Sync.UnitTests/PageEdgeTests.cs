using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>The page-edge contract, through the engine: ties, overlap, rows shifting, records changing while paged.</summary>
public sealed class PageEdgeTests
{
    private static EngineHarness Harness(int overlap = 0) =>
        new(options: new SyncEngineOptions { PageEdges = new PageEdgeOptions { PageOverlap = overlap, SafetyLag = TimeSpan.FromMinutes(5) } });

    [Fact]
    public async Task Ties_across_page_edges_are_all_processed_once_and_not_again_next_run()
    {
        var h = Harness();
        await h.SaveTenantAsync();
        foreach (var key in new[] { "A", "B", "C", "D", "E" })
        {
            h.Source.Upsert(Customer(key, $"Org {key}", T0));
        }

        var first = await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Customer]);

        Assert.Equal([0, 2, 4], h.Source.Reads.Where(r => r.Kind == EntityKind.Customer).Select(r => r.Skip));
        Assert.Equal(5, first.Created());
        Assert.Equal(T0, first[^1].Watermark);

        h.Time.Advance(TimeSpan.FromMinutes(15));
        var second = await h.RunAsync("run-2", pageSize: 2, kinds: [EntityKind.Customer]);

        Assert.All(h.Source.Reads.Where(r => r.Kind == EntityKind.Customer).Skip(3), r => Assert.Equal(T0, r.Since));
        Assert.Equal(5, second.Sum(r => r.Counts.Read));
        Assert.Equal(0, second.Created() + second.Updated() + second.Unchanged());
        Assert.Equal(5, h.Zendesk.OrganizationCreates);
        Assert.Equal(0, h.Zendesk.OrganizationUpdates);
        var history = await h.Audit.GetAsync(h.Tenant.Id, EntityKind.Customer, "C", CancellationToken.None);
        Assert.All(history!.Entries, e => Assert.Equal("run-1", e.RunId));

        // The watermark history shows the one window that moved it; run-2's window closed where it started.
        var change = Assert.Single(await h.Checkpoints.GetHistoryAsync(h.Tenant.Id, EntityKind.Customer, CancellationToken.None));
        Assert.Equal(
            ((DateTimeOffset?)null, (DateTimeOffset?)T0, "window committed", (string?)null, "run-1"),
            (change.From, change.To, change.Reason, change.By, change.RunId));
    }

    [Fact]
    public async Task A_full_last_page_needs_one_more_empty_read_to_close_the_window()
    {
        var h = Harness();
        await h.SaveTenantAsync();
        foreach (var key in new[] { "A", "B", "C", "D" })
        {
            h.Source.Upsert(Customer(key, $"Org {key}", T0));
        }

        var results = await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Customer]);

        Assert.Equal([true, true, false], results.Select(r => r.HasMore));
        Assert.Equal([0, 2, 4], h.Source.Reads.Where(r => r.Kind == EntityKind.Customer).Select(r => r.Skip));
        Assert.Equal(4, results.Created());
    }

    [Fact]
    public async Task A_tie_at_the_new_watermark_with_a_newer_version_is_processed()
    {
        var h = Harness();
        await h.SaveTenantAsync();
        h.Source.Upsert(Customer("A", "Org A", T0));
        h.Source.Upsert(Customer("B", "Org B", T0.AddSeconds(1)));
        await h.RunAsync("run-1", pageSize: 10, kinds: [EntityKind.Customer]);

        h.Time.Advance(TimeSpan.FromMinutes(15));
        h.Source.Upsert(Customer("C", "Org C", T0.AddSeconds(1)));
        h.Source.Upsert(Customer("A", "Org A2", T0.AddSeconds(1)));
        var second = await h.RunAsync("run-2", pageSize: 10, kinds: [EntityKind.Customer]);

        Assert.Equal(T0.AddSeconds(1), h.Source.Reads.Last(r => r.Kind == EntityKind.Customer).Since);
        Assert.Equal((1, 1), (second.Created(), second.Updated()));
        Assert.Equal("Org A2", h.Zendesk.OrgByExternalId("A").Name);
    }

    [Fact]
    public async Task A_record_changed_while_the_window_is_paged_is_picked_up_by_the_next_window()
    {
        var h = Harness();
        await h.SaveTenantAsync();
        var now = h.Time.GetUtcNow();
        h.Source.Upsert(Customer("A", "Org A", now.AddMinutes(-30)));
        h.Source.Upsert(Customer("B", "Org B", now.AddMinutes(-20)));
        h.Source.Upsert(Customer("C", "Org C", now.AddMinutes(-10)));
        h.Source.Upsert(Customer("D", "Org D", now.AddMinutes(-1)));
        h.Source.BeforeRead = read =>
        {
            if (read == 1)
            {
                // A (already read on page 1) changes now; D, read later on this window, changed even later.
                h.Time.Advance(TimeSpan.FromSeconds(30));
                h.Source.Upsert(Customer("A", "Org A renamed", h.Time.GetUtcNow()));
                h.Time.Advance(TimeSpan.FromSeconds(30));
                h.Source.Upsert(Customer("D", "Org D", h.Time.GetUtcNow()));
            }
        };

        await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Customer]);
        Assert.Equal("Org A", h.Zendesk.OrgByExternalId("A").Name);
        var checkpoint = (await h.Checkpoints.GetAsync(h.Tenant.Id, EntityKind.Customer, CancellationToken.None)).Value!;

        // max seen (D's new time) is after A's change, so the watermark must stay at windowStart - lag.
        Assert.Equal(now.AddMinutes(-5), checkpoint.Watermark);

        h.Source.BeforeRead = null;
        h.Time.Advance(TimeSpan.FromMinutes(15));
        var second = await h.RunAsync("run-2", pageSize: 2, kinds: [EntityKind.Customer]);

        Assert.Equal("Org A renamed", h.Zendesk.OrgByExternalId("A").Name);
        Assert.Equal(1, second.Updated());
        Assert.Equal(4, h.Zendesk.OrganizationCreates);
    }

    [Fact]
    public async Task A_row_inserted_ahead_while_paging_shifts_rows_forward_without_double_writes()
    {
        var h = Harness();
        await h.SaveTenantAsync();
        foreach (var key in new[] { "A", "B", "C", "D", "E" })
        {
            h.Source.Upsert(Customer(key, $"Org {key}", T0));
        }

        h.Source.BeforeRead = read =>
        {
            if (read == 1)
            {
                h.Source.InsertFirst(Customer("NEW", "Org New", h.Time.GetUtcNow()));
            }
        };

        await h.RunAsync("run-1", pageSize: 2, kinds: [EntityKind.Customer]);
        h.Source.BeforeRead = null;
        h.Time.Advance(TimeSpan.FromMinutes(15));
        await h.RunAsync("run-2", pageSize: 2, kinds: [EntityKind.Customer]);

        Assert.Equal(["A", "B", "C", "D", "E", "NEW"], h.Zendesk.Organizations.Values.Select(o => o.ExternalId!).Order(StringComparer.Ordinal));
        Assert.Equal(6, h.Zendesk.OrganizationCreates);
        Assert.Equal(0, h.Zendesk.OrganizationUpdates);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public async Task The_page_overlap_survives_a_row_removed_behind_the_cursor(int overlap, bool expectAllCreated)
    {
        var h = Harness(overlap);
        await h.SaveTenantAsync();
        foreach (var key in new[] { "A", "B", "C", "D", "E", "F", "G", "H" })
        {
            h.Source.Upsert(Customer(key, $"Org {key}", T0));
        }

        h.Source.BeforeRead = read =>
        {
            if (read == 1)
            {
                h.Source.Remove(EntityKind.Customer, "A");
            }
        };

        await h.RunAsync("run-1", pageSize: 4, kinds: [EntityKind.Customer]);

        Assert.Equal(expectAllCreated, h.Zendesk.Organizations.Values.Any(o => o.ExternalId == "E"));
        Assert.Equal(h.Zendesk.Organizations.Count, h.Zendesk.OrganizationCreates);
    }

    [Fact]
    public void Partition_drops_committed_versions_and_keeps_the_latest_version_within_a_page()
    {
        var checkpoint = new PageCheckpoint
        {
            Seen = new Dictionary<string, DateTimeOffset> { ["A"] = T0 },
            PreviousPage = new Dictionary<string, DateTimeOffset> { ["B"] = T0.AddSeconds(5) },
        };
        AcumaticaRecord[] page =
        [
            Customer("A", "a", T0),
            Customer("B", "b", T0.AddSeconds(1)),
            Customer("C", "c", T0),
            Customer("C", "c2", T0.AddSeconds(2)),
            Customer("A", "a2", T0.AddSeconds(3)),
        ];

        var partition = PageEdgeRules.Partition(checkpoint, page);

        Assert.Equal(3, partition.Duplicates);
        Assert.Equal([("C", "c2"), ("A", "a2")], partition.Fresh.Cast<AcumaticaAccount>().Select(a => (a.Key, a.Name)));
    }

    [Theory]
    [InlineData(-60, 0, -60)]
    [InlineData(-1, 0, -5)]
    [InlineData(-60, -30, -30)]
    public void Next_watermark_is_the_smaller_of_max_seen_and_window_start_minus_lag_and_never_goes_back(
        int maxSeenMinutes,
        int currentMinutes,
        int expectedMinutes)
    {
        var start = T0;
        var current = currentMinutes == 0 ? (DateTimeOffset?)null : start.AddMinutes(currentMinutes);

        var next = PageEdgeRules.NextWatermark(current, start.AddMinutes(maxSeenMinutes), start, TimeSpan.FromMinutes(5));

        Assert.Equal(start.AddMinutes(expectedMinutes), next);
    }

    [Fact]
    public async Task Pages_after_the_first_read_the_overlap_on_top_so_each_brings_a_full_page_of_new_records()
    {
        var h = Harness(overlap: 1);
        await h.SaveTenantAsync();
        for (var i = 0; i < 10; i++)
        {
            h.Source.Upsert(Customer($"K{i:D2}", $"Org {i}", T0.AddSeconds(i)));
        }

        var pages = await h.RunAsync("run-1", pageSize: 4, kinds: [EntityKind.Customer]);

        // $top 4 at skip 0, then 4 + 1 re-read: skip 3 and 7 (each page re-reads the previous page's last row).
        Assert.Equal([(0, 4), (3, 5), (7, 5)], h.Source.Reads.Where(r => r.Kind == EntityKind.Customer).Select(r => (r.Skip, r.Top)));
        Assert.Equal([4, 4, 2], pages.Select(p => p.Counts.Created));
        Assert.Equal(10, h.Zendesk.OrganizationCreates);
    }

    [Theory]
    [InlineData(0, 500, 25, 500)]
    [InlineData(475, 500, 25, 525)]
    [InlineData(9, 10, 25, 12)]
    [InlineData(9, 10, 0, 10)]
    public void ReadSize_adds_the_capped_overlap_after_the_first_page(int skip, int pageSize, int overlap, int expected) =>
        Assert.Equal(expected, PageEdgeRules.ReadSize(new PageCheckpoint { Skip = skip }, pageSize, new PageEdgeOptions { PageOverlap = overlap }));

    [Fact]
    public void An_empty_window_keeps_the_watermark()
    {
        var checkpoint = new PageCheckpoint { Watermark = T0 };

        var advance = PageEdgeRules.Advance(checkpoint, [], 10, T0.AddDays(1), T0.AddDays(1), new PageEdgeOptions(), "run");

        Assert.Equal(T0, advance.Checkpoint.Watermark);
        Assert.True(advance.WindowClosed);
        Assert.True(advance.Checkpoint.InitialLoadCompleted);
    }

    [Fact]
    public void Advance_moves_skip_by_top_minus_overlap_and_remembers_ties_at_the_edge()
    {
        AcumaticaRecord[] page = [Customer("A", "a", T0), Customer("B", "b", T0.AddSeconds(1)), Customer("C", "c", T0.AddSeconds(1)), Customer("D", "d", T0)];

        var advance = PageEdgeRules.Advance(new PageCheckpoint(), page, 4, T0.AddDays(1), T0.AddDays(1), new PageEdgeOptions { PageOverlap = 1 }, "run");

        Assert.True(advance.HasMore);
        Assert.Equal(3, advance.Checkpoint.Skip);
        Assert.Null(advance.Checkpoint.Watermark);
        Assert.Equal(["B", "C"], advance.Checkpoint.Seen.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4, advance.Checkpoint.PreviousPage.Count);
    }
}
