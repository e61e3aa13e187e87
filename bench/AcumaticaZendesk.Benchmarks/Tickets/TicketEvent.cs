namespace AcumaticaZendesk.Benchmarks.Tickets;

/// <summary>
/// One ticket change made on the sandbox: <see cref="Marker"/> is in its public comment, so the activity shows it once
/// the change reached Acumatica; <see cref="ChangedAt"/> is read just before the sandbox made the change.
/// </summary>
internal sealed record TicketEvent(int Number, long TicketId, string Marker, DateTimeOffset ChangedAt)
{
    /// <summary>The ticket's <c>updated_at</c> after the change (whole seconds): names the change's workflow instance.</summary>
    public DateTimeOffset Version { get; set; }

    /// <summary>The activity's <c>LastModifiedDateTime</c> (the sandbox's own ms timestamp) of the write that first showed the change.</summary>
    public DateTimeOffset? ShownAt { get; set; }

    /// <summary>Seen only after the ticket's next change had overwritten it (<see cref="ShownAt"/> is then an upper bound).</summary>
    public bool Superseded { get; set; }

    public double LatencyMs => ShownAt is { } shown ? (shown - ChangedAt).TotalMilliseconds : double.NaN;
}
