using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>How the records a call worked on add up to the <see cref="SyncPagesResult"/> it answers.</summary>
internal static class PageResults
{
    /// <summary>The counts of a call that synced nothing: one page call, no record.</summary>
    public static readonly SyncCounts NothingDone = SyncCounts.None with { Pages = 1 };

    /// <summary>One page's (or replay batch's) result: <paramref name="read"/> records read, the rest counted by action.</summary>
    public static SyncPagesResult Summarize(EntityKind kind, int read, IReadOnlyCollection<WorkItem> items, bool hasMore, DateTimeOffset? watermark) => new(
        kind,
        new SyncCounts(
            Pages: 1,
            read,
            Created: items.Count(i => i.Action is PlannedAction.Create or PlannedAction.Recreate),
            Updated: items.Count(i => i.Action is PlannedAction.Update or PlannedAction.Adopt),
            Unchanged: items.Count(i => i.Action == PlannedAction.Unchanged),
            Skipped: items.Count(i => i.Action == PlannedAction.Skip),
            Failed: items.Count(i => i.Action == PlannedAction.Fail)),
        hasMore,
        watermark);

    /// <summary>Several pages of one call as one result: counts summed, more and watermark from the last page.</summary>
    public static SyncPagesResult Combine(IReadOnlyList<SyncPagesResult> pages) =>
        new(pages[0].Kind, SyncCounts.Sum(pages.Select(p => p.Counts)), pages[^1].HasMore, pages[^1].Watermark);
}
