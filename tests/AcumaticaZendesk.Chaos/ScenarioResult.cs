using AcumaticaZendesk.Testing;

namespace AcumaticaZendesk.Chaos;

/// <summary>
/// One line of the results table and of <c>results.json</c>. <c>FaultsInjected</c> / <c>FaultsByKind</c> are the
/// faults the sandbox counted (<see cref="SandboxFaults"/>) plus those the harness caused (worker restarts, cron
/// triggers, forged webhooks); <c>TicketsExpected</c>, <c>ActivitiesLost</c> and <c>ActivitiesDuplicated</c> come from
/// <see cref="TicketReconciliation"/> (0 for scenarios without tickets). <c>Runs</c> counts every run started,
/// <c>Reruns</c> those started only to converge after the scenario's own faulted runs. <c>Failures</c> are the
/// scenario's failed checks. <c>Strays</c> are Zendesk records of the connector's external-id scheme that match no
/// Acumatica record plus activities on tickets that must have none.
/// </summary>
public sealed record ScenarioResult(
    string Scenario,
    string Faults,
    string Expects,
    int FaultsInjected,
    IReadOnlyDictionary<string, int> FaultsByKind,
    int RecordsExpected,
    int RecordsInZendesk,
    int Duplicates,
    int Lost,
    int Stale,
    int Strays,
    int TicketsExpected,
    int ActivitiesLost,
    int ActivitiesDuplicated,
    long Retries,
    int Runs,
    int Reruns,
    double? SecondsToConverge,
    double ElapsedSeconds,
    bool Passed,
    IReadOnlyList<string> Failures,
    IReadOnlyList<string> Notes);
