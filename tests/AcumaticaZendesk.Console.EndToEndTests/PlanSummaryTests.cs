using AcumaticaZendesk.Operator.Checks;
using AcumaticaZendesk.OperatorConsole.Onboarding;
using AcumaticaZendesk.Sync.Engine;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Console.EndToEndTests;

/// <summary>The wizard's plan step in the operator's words (no browser: the grouping behind the page).</summary>
public sealed class PlanSummaryTests
{
    private static PlannedItem Item(EntityKind kind, string key, PlannedAction action, string? reason = null, params long[] candidates) =>
        new(kind, key, key, action, candidates.Length == 1 ? candidates[0] : null, reason, null, candidates);

    [Fact]
    public void Records_are_grouped_as_created_adopted_left_ambiguous_and_the_rest_per_kind()
    {
        var report = new PlanReport("acme", "plan-1", [], [
            Item(EntityKind.Customer, "C1", PlannedAction.Create),
            Item(EntityKind.Customer, "C2", PlannedAction.Recreate),
            Item(EntityKind.Customer, "C3", PlannedAction.Adopt, "adopted existing organization #7 (matched by name or domain)", 7),
            Item(
                EntityKind.Customer,
                "C4",
                PlannedAction.Skip,
                "ambiguous: 2 Zendesk organizations without external_id match by name or domain (#8, #9)",
                8,
                9),
            Item(EntityKind.Vendor, "V1", PlannedAction.Skip, "report-only: matches organization #10", 10),
            Item(EntityKind.Contact, "P1", PlannedAction.Fail),
            Item(EntityKind.Contact, "P2", PlannedAction.Unchanged),
        ], ItemsTruncated: false);

        var summary = new PlanSummary(report);

        Assert.Equal(2, summary.Count(EntityKind.Customer, PlanOutcome.Created));
        Assert.Equal(1, summary.Count(EntityKind.Customer, PlanOutcome.Adopted));
        Assert.Equal(1, summary.Count(EntityKind.Customer, PlanOutcome.Ambiguous));
        Assert.Equal(0, summary.Count(EntityKind.Customer, PlanOutcome.Skipped));
        Assert.Equal(1, summary.Count(EntityKind.Vendor, PlanOutcome.Skipped));
        Assert.Equal(1, summary.Count(PlanOutcome.WouldFail));
        Assert.Equal(1, summary.Count(PlanOutcome.Unchanged));
        Assert.Equal(["C4"], summary.Samples(PlanOutcome.Ambiguous, 5).Select(i => i.Key));
        Assert.Single(summary.Samples(PlanOutcome.Created, 1));
    }
}
