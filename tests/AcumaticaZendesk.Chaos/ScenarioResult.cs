using AcumaticaZendesk.Sandbox.Infrastructure;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// One line of the results table and of <c>results.json</c>. <c>TicketsExpected</c>, <c>ActivitiesLost</c> and
/// <c>ActivitiesDuplicated</c> come from <see cref="TicketReconciliation"/> (0 for scenarios without tickets).
/// </summary>
public sealed record ScenarioResult(
    string Scenario,
    string Faults,
    int FaultsInjected,
    IReadOnlyDictionary<string, int> FaultsByKind,
    int RecordsExpected,
    int RecordsInZendesk,
    int Duplicates,
    int Lost,
    int Stale,
    int TicketsExpected,
    int ActivitiesLost,
    int ActivitiesDuplicated,
    long Retries,
    int Runs,
    double? SecondsToConverge,
    double ElapsedSeconds,
    bool Passed,
    IReadOnlyList<string> Notes)
{
    /// <summary>Faulted answers the sandbox gave (401, 429, 5xx, 499 = dropped connection), by system and status.</summary>
    public static Dictionary<string, int> HttpFaults(IEnumerable<ReceivedRequest> requests) =>
        requests.Where(r => r.System is "acumatica" or "zendesk" && r.Status is 401 or 429 or >= 499)
            .GroupBy(r => $"{r.System} {r.Status}")
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
