using System.ComponentModel.DataAnnotations;

namespace AcumaticaZendesk.SyncWorker.Tickets;

/// <summary>Ticket context flow (section <c>TicketFlow</c>), validated at start.</summary>
public sealed class TicketFlowOptions
{
    public const string SectionName = "TicketFlow";

    /// <summary>How far back a tenant's first incremental-export pass starts (later passes continue from the stored cursor).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan InitialExportLookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Export pages one pass reads at most (the export allows 10 requests a minute per account).</summary>
    [Range(1, 100)]
    public int MaxExportPagesPerPass { get; set; } = 5;

    /// <summary>Characters of the latest public comment copied into the activity.</summary>
    [Range(0, 4000)]
    public int CommentSummaryLength { get; set; } = 500;

    /// <summary>
    /// How far Zendesk's clock may be ahead of this worker's: a ticket read less than a second plus this after its
    /// whole-second <c>updated_at</c> may still change within that version, so it is applied again when met (<see cref="TicketApplied.Settled"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deadline of each sidecar call the subscriptions make (state, workflow scheduling).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SidecarCallTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
