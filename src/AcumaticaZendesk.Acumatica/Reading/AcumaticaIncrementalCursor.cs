using AcumaticaZendesk.Acumatica.Model;

namespace AcumaticaZendesk.Acumatica.Reading;

/// <summary>
/// The paging contract of incremental reads, as a serializable value the sync engine keeps between
/// page-sized workflow activities.
/// <list type="bullet">
/// <item>A pass reads <c>LastModifiedDateTime ge Since</c> page by page (<c>$top/$skip</c>) until a short page.</item>
/// <item>The API has no <c>$orderby</c>, so rows of one pass arrive in no time order: the watermark only
/// moves when a pass is complete, to the highest <c>LastModifiedDateTime</c> seen (<see cref="MaxSeen"/>).</item>
/// <item>The next pass starts at that watermark <b>inclusive</b> (minus an optional safety overlap), so rows
/// sharing the boundary timestamp, and rows that shifted between pages while the pass ran, are read
/// again rather than lost. Consumers de-duplicate by (<see cref="IAcumaticaTrackedEntity.Key"/>,
/// <see cref="IAcumaticaTrackedEntity.LastModified"/>): an unchanged pair means nothing new.</item>
/// </list>
/// </summary>
public sealed record AcumaticaIncrementalCursor(DateTimeOffset? Since, int Skip, DateTimeOffset? MaxSeen)
{
    /// <summary>First pass of a new tenant: everything.</summary>
    public static AcumaticaIncrementalCursor Initial { get; } = new(null, 0, null);

    /// <summary>A fresh pass from a stored watermark.</summary>
    public static AcumaticaIncrementalCursor From(DateTimeOffset? watermark) => new(watermark, 0, watermark);

    /// <summary>The cursor after <paramref name="page"/>; when the page ends the pass, the next pass starts at the new watermark.</summary>
    public AcumaticaIncrementalCursor Advance<T>(AcumaticaPage<T> page, TimeSpan overlap = default)
        where T : IAcumaticaTrackedEntity
    {
        ArgumentNullException.ThrowIfNull(page);
        var max = MaxSeen;
        foreach (var item in page.Items)
        {
            if (item.LastModified is { } lm && (max is null || lm > max))
                max = lm;
        }

        foreach (var refused in page.Rejected)
        {
            if (refused.LastModified is { } lm && (max is null || lm > max))
                max = lm;
        }

        return page.IsLastPage
            ? new AcumaticaIncrementalCursor(max is null ? Since : max.Value - overlap, 0, max)
            : this with { Skip = page.NextSkip, MaxSeen = max };
    }

    /// <summary>True when the cursor stands at the start of a pass (the previous pass, if any, is complete).</summary>
    public bool AtPassStart => Skip == 0;
}
