using System.ComponentModel.DataAnnotations;
using AcumaticaZendesk.Sync.Source;

namespace AcumaticaZendesk.Sync.Paging;

/// <summary>Tunables of the page-edge contract (configuration section <c>Sync:Engine:PageEdges</c>).</summary>
public sealed record PageEdgeOptions
{
    /// <summary>Watermark lag behind the window start: covers clock skew and transactions committed after their LastModifiedDateTime.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Sync:Engine:PageEdges:SafetyLag must be between {1} and {2}.")]
    public TimeSpan SafetyLag { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Records re-read at each page edge (capped at a quarter of the page) to survive rows shifting back.</summary>
    [Range(0, 250, ErrorMessage = "Sync:Engine:PageEdges:PageOverlap must be between {1} and {2}.")]
    public int PageOverlap { get; init; } = 25;

    /// <summary>Cap on <see cref="PageCheckpoint.Seen"/>; beyond it re-reads are caught by fingerprints instead.</summary>
    [Range(0, 1_000_000, ErrorMessage = "Sync:Engine:PageEdges:MaxSeenEntries must be between {1} and {2}.")]
    public int MaxSeenEntries { get; init; } = 20_000;
}

/// <summary>A page split into records to process and re-reads to drop.</summary>
public sealed record PagePartition(IReadOnlyList<AcumaticaRecord> Fresh, int Duplicates);

/// <summary>The checkpoint to commit after a page and whether the window goes on.</summary>
public sealed record PageAdvance(PageCheckpoint Checkpoint, bool HasMore, bool WindowClosed);

/// <summary>
/// The page-edge contract (pure). Acumatica pages <c>LastModifiedDateTime ge W</c> with $skip/$top and no
/// ordering, and timestamps tie. The rules:
/// <list type="number">
/// <item>A window reads <c>ge W</c> from skip 0 until a page shorter than $top; each next page starts
/// <c>top - overlap</c> further, so a few rows are read twice at every edge (<see cref="ReadSize"/>).</item>
/// <item>A record is a duplicate when a committed version with the same or a later LastModifiedDateTime is
/// in <see cref="PageCheckpoint.Seen"/> or <see cref="PageCheckpoint.PreviousPage"/>; within a page the
/// latest version of a key wins.</item>
/// <item>When the window closes, the next watermark is <c>min(MaxSeen, WindowStartedAt - SafetyLag)</c>
/// (unchanged when nothing was seen). Reading <c>ge</c> that value again re-reads every tie at the edge
/// (dropped as duplicates) and every record that changed while the window was being paged (its new
/// LastModifiedDateTime is after the window started, so ≥ the new watermark).</item>
/// <item>The engine commits the checkpoint only after the page's writes (and per-record fingerprints)
/// are stored; a crash in between re-reads the page and the fingerprints make the repeat a no-op.</item>
/// </list>
/// </summary>
public static class PageEdgeRules
{
    /// <summary>The $top: page size plus the edge's re-reads after a window's first page (full bulk chunks); pass it to <see cref="Advance"/>.</summary>
    public static int ReadSize(PageCheckpoint checkpoint, int pageSize, PageEdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return checkpoint.Skip > 0 ? pageSize + Math.Clamp(options.PageOverlap, 0, pageSize / 4) : pageSize;
    }

    public static PagePartition Partition(PageCheckpoint checkpoint, IReadOnlyList<AcumaticaRecord> page)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(page);
        var latest = new Dictionary<string, AcumaticaRecord>(StringComparer.Ordinal);
        var order = new List<string>();
        var duplicates = 0;
        foreach (var record in page)
        {
            if (IsCommitted(checkpoint, record))
            {
                duplicates++;
                continue;
            }

            if (latest.TryGetValue(record.Key, out var other))
            {
                duplicates++;
                if (record.LastModifiedDateTime > other.LastModifiedDateTime)
                {
                    latest[record.Key] = record;
                }

                continue;
            }

            latest[record.Key] = record;
            order.Add(record.Key);
        }

        return new PagePartition(order.Select(k => latest[k]).ToArray(), duplicates);
    }

    public static bool IsCommitted(PageCheckpoint checkpoint, AcumaticaRecord record) =>
        (checkpoint.Seen.TryGetValue(record.Key, out var seen) && seen >= record.LastModifiedDateTime)
        || (checkpoint.PreviousPage.TryGetValue(record.Key, out var previous) && previous >= record.LastModifiedDateTime);

    /// <summary>The checkpoint after a page whose records were all committed (processed, skipped or queued as failed).</summary>
    /// <param name="page">Everything the page returned, duplicates included.</param>
    /// <param name="windowStartedAt">Our clock before page 0 of this window was read.</param>
    public static PageAdvance Advance(
        PageCheckpoint checkpoint,
        IReadOnlyList<AcumaticaRecord> page,
        int top,
        DateTimeOffset windowStartedAt,
        DateTimeOffset now,
        PageEdgeOptions options,
        string? runId)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);

        var maxSeen = checkpoint.MaxSeen;
        var seen = new Dictionary<string, DateTimeOffset>(checkpoint.Seen, StringComparer.Ordinal);
        var thisPage = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var record in page)
        {
            var at = record.LastModifiedDateTime;
            if (maxSeen is null || at > maxSeen)
            {
                maxSeen = at;
            }

            if (!seen.TryGetValue(record.Key, out var known) || at > known)
            {
                seen[record.Key] = at;
            }

            if (!thisPage.TryGetValue(record.Key, out var onPage) || at > onPage)
            {
                thisPage[record.Key] = at;
            }
        }

        var candidate = NextWatermark(checkpoint.Watermark, maxSeen, windowStartedAt, options.SafetyLag);
        var keep = Prune(seen, candidate, options.MaxSeenEntries);
        var closed = page.Count < top;
        if (closed)
        {
            return new PageAdvance(
                new PageCheckpoint
                {
                    Watermark = candidate,
                    Skip = 0,
                    WindowStartedAt = null,
                    MaxSeen = null,
                    Seen = keep,
                    PreviousPage = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal),
                    InitialLoadCompleted = true,
                    LastCommittedAt = now,
                    LastRunId = runId,
                },
                HasMore: false,
                WindowClosed: true);
        }

        var overlap = Math.Clamp(options.PageOverlap, 0, top / 4);
        return new PageAdvance(
            checkpoint with
            {
                Skip = checkpoint.Skip + top - overlap,
                WindowStartedAt = windowStartedAt,
                MaxSeen = maxSeen,
                Seen = keep,
                PreviousPage = thisPage,
                LastCommittedAt = now,
                LastRunId = runId,
            },
            HasMore: true,
            WindowClosed: false);
    }

    /// <summary><c>min(maxSeen, windowStartedAt - lag)</c>, never before the current watermark; the current one when nothing was seen.</summary>
    public static DateTimeOffset? NextWatermark(DateTimeOffset? current, DateTimeOffset? maxSeen, DateTimeOffset windowStartedAt, TimeSpan lag)
    {
        if (maxSeen is null)
        {
            return current;
        }

        var bound = windowStartedAt - lag;
        var next = maxSeen.Value < bound ? maxSeen.Value : bound;
        return current is { } c && c > next ? c : next;
    }

    private static Dictionary<string, DateTimeOffset> Prune(Dictionary<string, DateTimeOffset> seen, DateTimeOffset? bound, int max)
    {
        var kept = bound is null
            ? seen.Where(_ => false)
            : seen.Where(p => p.Value >= bound.Value);
        return kept.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(max)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
