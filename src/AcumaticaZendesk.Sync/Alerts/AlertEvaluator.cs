using System.Globalization;
using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Sync.Alerts;

/// <summary>What the alert triggers see of a tenant after a run.</summary>
/// <param name="Runs">Finished runs, newest first (at least as many as the consecutive-failures trigger counts).</param>
/// <param name="TicketFlowLag">How long the last applied ticket took from Zendesk to Acumatica; null when none was applied yet.</param>
public sealed record AlertInputs(TenantConfig Tenant, IReadOnlyList<RunRecord> Runs, int ReplayQueueSize, TimeSpan? TicketFlowLag);

/// <summary>Decides which alert conditions hold (no I/O; <see cref="AlertLedger"/> decides what is sent).</summary>
public static class AlertEvaluator
{
    public static IReadOnlyList<AlertCondition> Evaluate(AlertInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var triggers = inputs.Tenant.Alerts?.Triggers;
        if (triggers is null)
        {
            return [];
        }

        var conditions = new List<AlertCondition>();
        var finished = inputs.Runs.Where(r => r.Status != RunStatus.Running && !r.DryRun).ToArray();
        if (triggers.RunFailed && finished.FirstOrDefault() is { Status: RunStatus.Failed } last)
        {
            conditions.Add(new(AlertKind.RunFailed, $"Run {last.RunId} failed", LastError(last)));
        }

        var inARow = finished.TakeWhile(r => r.Status == RunStatus.Failed).Count();
        if (triggers.ConsecutiveFailures > 0 && inARow >= triggers.ConsecutiveFailures)
        {
            conditions.Add(new(
                AlertKind.ConsecutiveFailures,
                Invariant($"The last {inARow} runs failed"),
                Invariant($"{inARow} runs in a row failed (alert from {triggers.ConsecutiveFailures}). Latest: {LastError(finished[0])}")));
        }

        if (triggers.NeedsAuthorization && inputs.Tenant.Authorization is { NeedsAuthorization: true } authorization)
        {
            var system = authorization.System.ToString();
            conditions.Add(new(
                AlertKind.NeedsAuthorization,
                $"{system} needs a new authorization",
                Invariant($"{system} refused the connector's token since {authorization.Since:yyyy-MM-dd HH:mm} UTC ({authorization.Reason}). ")
                + "No run starts until an operator connects it again."));
        }

        if (triggers.ReplayQueueOver > 0 && inputs.ReplayQueueSize > triggers.ReplayQueueOver)
        {
            conditions.Add(new(
                AlertKind.ReplayQueue,
                Invariant($"{inputs.ReplayQueueSize} records wait in the replay queue"),
                Invariant($"{inputs.ReplayQueueSize} records failed and wait for replay (alert above {triggers.ReplayQueueOver}).")));
        }

        if (triggers.TicketFlowLagOver is { } limit && inputs.TicketFlowLag is { } lag && lag > limit)
        {
            conditions.Add(new(
                AlertKind.TicketFlowLag,
                $"Ticket flow lags {Words(lag)}",
                $"The last ticket took {Words(lag)} from its change in Zendesk to its activity in Acumatica (alert above {Words(limit)})."));
        }

        return conditions;
    }

    private static string LastError(RunRecord run) =>
        run.Errors.Count > 0 ? run.Errors[^1] : "the run record names no error";

    private static string Words(TimeSpan span) => span.TotalHours >= 1
        ? Invariant($"{span.TotalHours:0.#} h")
        : Invariant($"{Math.Max(1, span.TotalMinutes):0} min");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
