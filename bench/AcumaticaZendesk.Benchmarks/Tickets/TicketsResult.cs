namespace AcumaticaZendesk.Benchmarks.Tickets;

/// <summary>Latency of a set of ticket events: nearest-rank percentiles of (activity written − ticket changed), in ms.</summary>
public sealed record LatencyFigures(int Events, double P50Ms, double P95Ms, double MaxMs)
{
    public static LatencyFigures Of(IReadOnlyCollection<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        if (milliseconds.Count == 0)
            return new LatencyFigures(0, double.NaN, double.NaN, double.NaN);
        var sorted = milliseconds.Order().ToList();
        return new LatencyFigures(sorted.Count, Percentile(sorted, 50), Percentile(sorted, 95), sorted[^1]);
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}

/// <summary>
/// The ticket flow on the whole product (sandbox, real webhook receiver and sync worker on the stand-in sidecar):
/// <see cref="P50Ms"/> / <see cref="P95Ms"/> / <see cref="MaxMs"/> of webhook → Activity over <see cref="Events"/> ticket changes
/// made at <see cref="EventsPerSecond"/>; the same for a burst (one change on every ticket at once); and the
/// incremental-export safety net's catch-up after a webhook outage.
/// </summary>
/// <param name="Unreached">Events whose activity never showed them within the bound (must be 0).</param>
/// <param name="Superseded">Events first seen already overwritten by the ticket's next change (their time is an upper bound).</param>
/// <param name="ZendeskRateLimited">Zendesk requests the sandbox refused for the account's rate limit (429) during the steady changes.</param>
/// <param name="ZendeskRequestsPerChange">Zendesk requests the sandbox answered during the steady changes, per change (the connector's reads).</param>
/// <param name="WebhookAnsweredP50Ms">Median of ticket changed → the receiver answered the webhook (published to pub/sub).</param>
/// <param name="WorkflowCreated">Ticket changed → its workflow instance created (the task hub's timestamp): the part before the workflow runs.</param>
/// <param name="LostEvents">Ticket changes made while every webhook was dropped (nothing reached Acumatica by webhook).</param>
/// <param name="ExportCatchUpSeconds">A run started ("run now", as the cron tick starts one) → the last lost change shown in its activity.</param>
/// <param name="ExportRunSeconds">That run's start → its workflow completed (main flow, then the export pass).</param>
/// <param name="Converged">After every phase, each ticket is exactly one activity showing its latest state (TicketReconciliation).</param>
public sealed record TicketsRun(
    int Events,
    double P50Ms,
    double P95Ms,
    double MaxMs,
    double EventsPerSecond,
    int Tickets,
    int Unreached,
    int Superseded,
    long ZendeskRateLimited,
    double ZendeskRequestsPerChange,
    double WebhookAnsweredP50Ms,
    LatencyFigures WorkflowCreated,
    LatencyFigures Burst,
    int LostEvents,
    double? ExportCatchUpSeconds,
    double? ExportRunSeconds,
    int LostUnreached,
    double ScheduleIntervalMinutes,
    bool Converged);
