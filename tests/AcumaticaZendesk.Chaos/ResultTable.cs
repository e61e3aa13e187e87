using System.Globalization;
using System.Text;

namespace AcumaticaZendesk.Chaos;

/// <summary>The results as a fixed-width table (also pasted into docs/reliability.md).</summary>
public static class ResultTable
{
    private static readonly string[] Headers = [
        "scenario",
        "faults",
        "expected",
        "in zendesk",
        "dupes",
        "lost",
        "stale",
        "strays",
        "tickets",
        "act. lost",
        "act. dupes",
        "retries",
        "runs",
        "re-runs",
        "converged (s)",
        "result"];

    public static string Render(IReadOnlyList<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Select(r => new[]
        {
            r.Scenario, Num(r.FaultsInjected), Num(r.RecordsExpected), Num(r.RecordsInZendesk), Num(r.Duplicates), Num(r.Lost),
            Num(r.Stale), Num(r.Strays), Num(r.TicketsExpected), Num(r.ActivitiesLost), Num(r.ActivitiesDuplicated), Num(r.Retries), Num(r.Runs), Num(
                r.Reruns), r.SecondsToConverge?.ToString("F1", CultureInfo.InvariantCulture) ?? "no",
            r.Passed ? "PASS" : "FAIL",
        }).ToList();
        var widths = Headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Line(text, Headers, widths);
        Line(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            Line(text, row, widths);
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string[] cells, int[] widths) =>
        text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).AppendLine(" |");

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
