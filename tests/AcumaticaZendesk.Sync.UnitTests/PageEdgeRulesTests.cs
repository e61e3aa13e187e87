using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Source;
using static AcumaticaZendesk.Testing.Fakes.TestData;

namespace AcumaticaZendesk.Sync.UnitTests;

/// <summary>The page-edge rules on their own: re-reads at the edge, the overlap cap, the bound on remembered records.</summary>
public sealed class PageEdgeRulesTests
{
    private static Dictionary<string, DateTimeOffset> At(params (string Key, DateTimeOffset At)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.At, StringComparer.Ordinal);

    [Fact]
    public void A_re_read_of_the_previous_page_s_record_at_the_same_time_is_dropped_even_when_no_longer_in_seen()
    {
        // "A" was committed on the last page, but its time is before the next watermark, so Seen no longer holds it.
        var checkpoint = new PageCheckpoint { Watermark = T0, Skip = 8, PreviousPage = At(("A", T0.AddMinutes(1))) };
        AcumaticaRecord[] page = [Customer("A", "A", T0.AddMinutes(1)), Customer("B", "B", T0.AddMinutes(1))];

        var partition = PageEdgeRules.Partition(checkpoint, page);

        Assert.Equal(["B"], partition.Fresh.Select(r => r.Key));
        Assert.Equal(1, partition.Duplicates);
    }

    [Fact]
    public void A_re_read_tie_in_seen_is_dropped_and_a_newer_version_is_processed()
    {
        var checkpoint = new PageCheckpoint { Watermark = T0, Seen = At(("A", T0.AddMinutes(1)), ("B", T0.AddMinutes(1))) };
        AcumaticaRecord[] page = [Customer("A", "A", T0.AddMinutes(1)), Customer("B", "B renamed", T0.AddMinutes(2))];

        var partition = PageEdgeRules.Partition(checkpoint, page);

        Assert.Equal(["B renamed"], partition.Fresh.Select(r => ((AcumaticaAccount)r).Name));
        Assert.Equal(1, partition.Duplicates);
    }

    [Theory]
    [InlineData(8, 25, 10)] // capped at a quarter of the page
    [InlineData(8, 1, 9)]
    [InlineData(3, 25, 3)] // a quarter of 3 rows is none
    public void Pages_after_the_first_read_the_overlap_more_capped_at_a_quarter_of_the_page(int pageSize, int overlap, int expected)
    {
        var options = new PageEdgeOptions { PageOverlap = overlap };

        Assert.Equal(pageSize, PageEdgeRules.ReadSize(new PageCheckpoint(), pageSize, options));
        Assert.Equal(expected, PageEdgeRules.ReadSize(new PageCheckpoint { Skip = 6 }, pageSize, options));
    }

    [Fact]
    public void A_full_page_moves_skip_on_by_the_rows_read_minus_the_capped_overlap()
    {
        var options = new PageEdgeOptions { PageOverlap = 25 };
        var from = new PageCheckpoint { Watermark = T0, Skip = 6 };
        var page = Enumerable.Range(0, 10).Select(i => (AcumaticaRecord)Customer($"K{i}", $"N{i}", T0.AddMinutes(i))).ToArray();

        var advance = PageEdgeRules.Advance(from, page, top: 10, T0.AddDays(1), T0.AddDays(1), options, "run-1");

        Assert.True(advance.HasMore);
        Assert.False(advance.WindowClosed);
        Assert.Equal(6 + 10 - 2, advance.Checkpoint.Skip); // 2 = a quarter of 10, not 25
        Assert.Equal(page.Select(r => r.Key).Order(StringComparer.Ordinal), advance.Checkpoint.PreviousPage.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Beyond_max_seen_entries_the_newest_records_are_remembered_ties_by_key()
    {
        var options = new PageEdgeOptions { MaxSeenEntries = 2, SafetyLag = TimeSpan.FromMinutes(5) };
        AcumaticaRecord[] page =
        [
            Customer("A", "A", T0.AddMinutes(1)),
            Customer("D", "D", T0.AddMinutes(2)),
            Customer("B", "B", T0.AddMinutes(2)),
            Customer("C", "C", T0.AddMinutes(3)),
        ];

        // The window started at T0 + 5 min: the next watermark is T0, so every record of the page is at or after it.
        var advance = PageEdgeRules.Advance(new PageCheckpoint(), page, top: 10, T0.AddMinutes(5), T0.AddMinutes(6), options, "run-1");

        Assert.False(advance.HasMore);
        Assert.Equal(T0, advance.Checkpoint.Watermark);
        Assert.Equal(At(("C", T0.AddMinutes(3)), ("B", T0.AddMinutes(2))), advance.Checkpoint.Seen);
    }

    [Fact]
    public void When_a_page_holds_two_versions_of_a_record_the_newer_one_is_remembered_whatever_their_order()
    {
        // "A" was committed earlier in the window at +1; this page brings it at +3. "B" comes older-first, "C" newer-first.
        // The window started at T0 + 5 min, so the next watermark is T0 and every version is at or after it.
        var from = new PageCheckpoint
        {
            Watermark = T0,
            Skip = 4,
            WindowStartedAt = T0.AddMinutes(5),
            MaxSeen = T0.AddMinutes(1),
            Seen = At(("A", T0.AddMinutes(1)))
        };
        AcumaticaRecord[] page =
        [
            Customer("A", "A", T0.AddMinutes(3)),
            Customer("B", "B", T0.AddMinutes(1)),
            Customer("B", "B", T0.AddMinutes(2)),
            Customer("C", "C", T0.AddMinutes(4)),
            Customer("C", "C", T0.AddMinutes(2)),
        ];

        var advance = PageEdgeRules.Advance(from, page, top: 5, T0.AddMinutes(5), T0.AddMinutes(6), new PageEdgeOptions { PageOverlap = 0 }, "run-1");

        var newest = At(("A", T0.AddMinutes(3)), ("B", T0.AddMinutes(2)), ("C", T0.AddMinutes(4)));
        Assert.Equal(newest, advance.Checkpoint.Seen);
        Assert.Equal(newest, advance.Checkpoint.PreviousPage);
        Assert.Equal(T0.AddMinutes(4), advance.Checkpoint.MaxSeen);
    }

    [Fact]
    public void Missing_arguments_are_refused_by_name()
    {
        var checkpoint = new PageCheckpoint();
        var options = new PageEdgeOptions();
        AcumaticaRecord[] page = [Customer("A", "A")];

        Assert.Equal("checkpoint", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.ReadSize(null!, 10, options)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.ReadSize(checkpoint, 10, null!)).ParamName);
        Assert.Equal("pageSize", Assert.Throws<ArgumentOutOfRangeException>(() => PageEdgeRules.ReadSize(checkpoint, 0, options)).ParamName);
        Assert.Equal("checkpoint", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.Partition(null!, page)).ParamName);
        Assert.Equal("page", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.Partition(checkpoint, null!)).ParamName);
        Assert.Equal("checkpoint", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.Advance(null!, page, 10, T0, T0, options, null)).ParamName);
        Assert.Equal("page", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.Advance(checkpoint, null!, 10, T0, T0, options, null)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => PageEdgeRules.Advance(checkpoint, page, 10, T0, T0, null!, null)).ParamName);
        Assert.Equal("top", Assert.Throws<ArgumentOutOfRangeException>(() => PageEdgeRules.Advance(checkpoint, page, 0, T0, T0, options, null)).ParamName);
    }
}
