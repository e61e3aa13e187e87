using System.Globalization;
using System.Text;

namespace AcumaticaZendesk.Benchmarks.Tickets;

/// <summary>The ticket phase in the combined result (medians over the runs), in the cross-checks and in the console table.</summary>
internal static class TicketsFigures
{
    /// <summary>The first run's ticket details with p50, p95 and the export catch-up as medians over the runs, their spreads added.</summary>
    public static BenchResults Fold(BenchResults combined, IReadOnlyList<BenchResults> runs)
    {
        ArgumentNullException.ThrowIfNull(combined);
        ArgumentNullException.ThrowIfNull(runs);
        var all = runs.Select(r => r.Tickets).OfType<TicketsRun>().ToList();
        if (combined.Tickets is not { } first || all.Count == 0)
            return combined;
        var spreads = new SortedDictionary<string, Spread>(combined.Spreads.ToDictionary(), StringComparer.Ordinal)
        {
            ["ticketsP50Ms"] = Spread.Of(all.Select(t => t.P50Ms)),
            ["ticketsP95Ms"] = Spread.Of(all.Select(t => t.P95Ms)),
            ["ticketsBurstP95Ms"] = Spread.Of(all.Select(t => t.Burst.P95Ms)),
        };
        var catchUps = all.Select(t => t.ExportCatchUpSeconds).OfType<double>().ToList();
        if (catchUps.Count > 0)
            spreads["ticketsExportCatchUpSeconds"] = Spread.Of(catchUps);
        return combined with
        {
            Tickets = first with
            {
                P50Ms = spreads["ticketsP50Ms"].Median,
                P95Ms = spreads["ticketsP95Ms"].Median,
                ExportCatchUpSeconds = catchUps.Count > 0 ? spreads["ticketsExportCatchUpSeconds"].Median : null,
            },
            Spreads = spreads,
        };
    }

    /// <summary>What makes the ticket figures worthless: an event that never reached its activity, a ticket left stale or doubled.</summary>
    public static IEnumerable<string> Problems(BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Tickets is not { } t)
            yield break;
        if (t.Unreached > 0)
            yield return $"tickets: {t.Unreached} ticket changes never reached their activity by webhook";
        if (t.LostUnreached > 0 || t.ExportCatchUpSeconds is null)
            yield return $"tickets: the export pass did not apply every change lost with the webhooks ({t.LostUnreached} of {t.LostEvents} missing)";
        if (!t.Converged)
            yield return "tickets: after the phase, not every ticket is exactly one activity showing its latest state";
    }

    public static void Append(StringBuilder s, BenchResults r)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(r);
        if (r.Tickets is not { } t)
            return;
        var c = CultureInfo.InvariantCulture;
        void Line(string label, string value) => s.Append(c, $"  {label,-44} {value}\n");
        s.Append(c, $"Ticket flow: webhook -> Activity on the whole product (stand-in sidecar), {t.Tickets} tickets\n");
        Line(
            $"{t.Events} changes at {t.EventsPerSecond}/s: p50 / p95 / max",
            $"{t.P50Ms:0} / {t.P95Ms:0} / {t.MaxMs:0} ms  (p50, p95: median of {r.Runs}; max: first run; goal p95 < 2000 ms)");
        Line("  of which change -> receiver answered (p50)", $"{t.WebhookAnsweredP50Ms:0} ms");
        Line("  change -> workflow created: p50 / p95", $"{t.WorkflowCreated.P50Ms:0} / {t.WorkflowCreated.P95Ms:0} ms ({t.WorkflowCreated.Events} found)");
        Line($"burst of {t.Burst.Events} at once: p50 / p95 / max", $"{t.Burst.P50Ms:0} / {t.Burst.P95Ms:0} / {t.Burst.MaxMs:0} ms");
        Line("never reached / seen already overwritten", $"{t.Unreached} / {t.Superseded}");
        Line(
            "Zendesk requests per change, 429s",
            $"{t.ZendeskRequestsPerChange:0.0}, {t.ZendeskRateLimited}  (the account's 700/min is shared by every read; first run)");
        Line(
            $"webhook outage: {t.LostEvents} changes lost; catch-up",
            $"{t.ExportCatchUpSeconds:0.00} s from the run's start (run {t.ExportRunSeconds:0.00} s; runs every {t.ScheduleIntervalMinutes:0} min)");
        Line("every ticket one activity with its latest state", t.Converged ? "yes" : "NO");
        s.Append('\n');
    }
}
