namespace AcumaticaZendesk.Benchmarks;

/// <summary>
/// What makes a benchmark run worthless, checked from independent evidence: the Zendesk requests the connector's own
/// counter reports against those the sandbox answered (its request log), and the records each phase left in the
/// sandbox account against the dataset (fewer = lost, more = duplicated), and the many-tenants phase's duplicate runs. Any
/// problem makes <c>make bench</c> exit 1.
/// </summary>
public static class CrossChecks
{
    public static IReadOnlyList<string> Of(BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var problems = new List<string>();
        var dataset = results.Dataset;
        Engine(problems, "initial load", results.InitialLoad, dataset);
        if (results.PlanLimit is { } plan)
            Engine(problems, "initial load at the plan's limit", plan.Run, dataset);
        if (results.HighVolume is { } high)
            Engine(problems, "initial load at the High Volume limit", high.Run, high.Dataset);
        if (results.PlanLimitLarge is { } large)
            Engine(problems, "initial load of the larger tenant at the plan's limit", large.Run, large.Dataset);
        if (results.WhatIfNoOnboardingSearch is { } whatIf)
            Engine(problems, "what-if", whatIf, dataset);
        if (results.Naive is { } naive)
        {
            Requests(problems, "naive load", naive.Measurement);
            Records(problems, "naive load", naive.OrganizationsInZendesk, naive.UsersInZendesk, dataset);
            if (naive.Totals.Failed > 0)
                problems.Add($"naive load: {naive.Totals.Failed} records failed");
        }

        Engine(problems, "unchanged run", results.UnchangedRun, dataset);
        Engine(problems, "changed run", results.ChangedRun.Run, dataset);
        problems.AddRange(Tickets.TicketsFigures.Problems(results));
        if (results.Tenants is { DuplicateRuns: > 0 } tenants)
            problems.Add($"many tenants: {tenants.DuplicateRuns} duplicate runs (a tenant's slot ran more than one workflow)");
        problems.AddRange(results.OtherRunProblems);
        return problems;
    }

    private static void Engine(List<string> problems, string phase, EngineRun run, DatasetInfo dataset)
    {
        Requests(problems, phase, run.Measurement);
        Records(problems, phase, run.OrganizationsInZendesk, run.UsersInZendesk, dataset);
        if (run.Failed > 0)
            problems.Add($"{phase}: {run.Failed} records failed");
    }

    private static void Requests(List<string> problems, string phase, PhaseMeasurement m)
    {
        if (m.ZendeskRequests != m.SandboxZendeskApiRequests)
            problems.Add($"{phase}: the connector counted {m.ZendeskRequests} Zendesk API requests, the sandbox answered {m.SandboxZendeskApiRequests}");
    }

    private static void Records(List<string> problems, string phase, int organizations, int users, DatasetInfo dataset)
    {
        foreach (var (what, found, expected) in new[] { ("organizations", organizations, dataset.Organizations), ("users", users, dataset.Users) })
        {
            if (found < expected)
                problems.Add($"{phase}: {expected - found} {what} lost ({found} of {expected} in Zendesk)");
            else if (found > expected)
                problems.Add($"{phase}: {found - expected} {what} duplicated ({found} in Zendesk for {expected})");
        }
    }
}
