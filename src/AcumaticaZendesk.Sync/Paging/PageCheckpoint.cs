namespace AcumaticaZendesk.Sync.Paging;

/// <summary>
/// Where reading one kind of one tenant stands. A window is <c>LastModifiedDateTime ge Watermark</c> read page by page
/// with <c>$skip</c> (docs/sync-model.md, <see cref="PageEdgeRules"/>).
/// </summary>
public sealed record PageCheckpoint
{
    /// <summary>Lower bound (inclusive) of the current window; null = from the beginning (initial load).</summary>
    public DateTimeOffset? Watermark { get; init; }

    /// <summary>$skip of the next page within the current window.</summary>
    public int Skip { get; init; }

    /// <summary>Our clock when page 0 of the current window was read; null between windows.</summary>
    public DateTimeOffset? WindowStartedAt { get; init; }

    /// <summary>Highest LastModifiedDateTime committed in the current window.</summary>
    public DateTimeOffset? MaxSeen { get; init; }

    /// <summary>Committed records at or after the next watermark candidate (key → LastModifiedDateTime), so re-reads are dropped.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Seen { get; init; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>Keys of the last committed page (the page overlap re-reads some of them).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> PreviousPage { get; init; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

    /// <summary>True once the first complete window (the initial load) was committed.</summary>
    public bool InitialLoadCompleted { get; init; }

    public DateTimeOffset? LastCommittedAt { get; init; }

    public string? LastRunId { get; init; }
}

/// <summary>An entry in a kind's watermark history (window closes and operator resets).</summary>
public sealed record WatermarkChange(DateTimeOffset At, DateTimeOffset? From, DateTimeOffset? To, string Reason, string? By, string? RunId);
