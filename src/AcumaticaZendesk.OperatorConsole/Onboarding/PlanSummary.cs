using AcumaticaZendesk.Operator.Checks;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.OperatorConsole.Onboarding;

/// <summary>What the first run would do, in the words an operator decides on: created, adopted, left ambiguous, …</summary>
public enum PlanOutcome
{
    Created,
    Adopted,
    Ambiguous,
    Updated,
    Unchanged,
    Skipped,
    WouldFail,
}

/// <summary>A plan report (the API's <c>plan</c>) grouped by <see cref="PlanOutcome"/>, with counts per kind and samples.</summary>
public sealed class PlanSummary
{
    private readonly Dictionary<(EntityKind Kind, PlanOutcome Outcome), int> counts = [];
    private readonly Dictionary<PlanOutcome, List<PlannedItem>> items = [];

    public PlanSummary(PlanReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Report = report;
        foreach (var item in report.Items)
        {
            var outcome = Of(item);
            counts[(item.Kind, outcome)] = counts.GetValueOrDefault((item.Kind, outcome)) + 1;
            if (!items.TryGetValue(outcome, out var list))
            {
                items[outcome] = list = [];
            }

            list.Add(item);
        }
    }

    public PlanReport Report { get; }

    public int Count(EntityKind kind, PlanOutcome outcome) => counts.GetValueOrDefault((kind, outcome));

    public int Count(PlanOutcome outcome) => items.TryGetValue(outcome, out var list) ? list.Count : 0;

    public IReadOnlyList<PlannedItem> Samples(PlanOutcome outcome, int take) =>
        items.TryGetValue(outcome, out var list) ? list.Take(take).ToArray() : [];

    /// <summary>The engine's decision in the operator's words; a skip because several Zendesk records match is "ambiguous".</summary>
    public static PlanOutcome Of(PlannedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Action switch
        {
            PlannedAction.Create or PlannedAction.Recreate => PlanOutcome.Created,
            PlannedAction.Adopt => PlanOutcome.Adopted,
            PlannedAction.Skip when PlannedReasons.IsAmbiguous(item) => PlanOutcome.Ambiguous,
            PlannedAction.Update => PlanOutcome.Updated,
            PlannedAction.Unchanged => PlanOutcome.Unchanged,
            PlannedAction.Skip => PlanOutcome.Skipped,
            _ => PlanOutcome.WouldFail,
        };
    }

    public static string Words(PlanOutcome outcome) => outcome switch
    {
        PlanOutcome.Created => "created",
        PlanOutcome.Adopted => "adopted (an existing Zendesk record gets our external_id)",
        PlanOutcome.Ambiguous => "left ambiguous (several Zendesk records match; nothing is written, you choose)",
        PlanOutcome.Updated => "updated",
        PlanOutcome.Unchanged => "unchanged",
        PlanOutcome.Skipped => "skipped",
        _ => "would fail",
    };

    public static string Short(PlanOutcome outcome) => outcome switch
    {
        PlanOutcome.Created => "create",
        PlanOutcome.Adopted => "adopt",
        PlanOutcome.Ambiguous => "ambiguous",
        PlanOutcome.Updated => "update",
        PlanOutcome.Unchanged => "unchanged",
        PlanOutcome.Skipped => "skip",
        _ => "fail",
    };
}
