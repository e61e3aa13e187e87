using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcumaticaZendesk.Benchmarks;

/// <summary>The console table and <c>results.json</c>.</summary>
internal static class Report
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteJsonAsync(BenchResults results, string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await using var stream = File.Create(full);
        await JsonSerializer.SerializeAsync(stream, results, Json, cancellationToken).ConfigureAwait(false);
    }

    public static string Table(BenchResults r)
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        void Line(string label, string value) => s.Append(c, $"  {label,-44} {value}\n");
        string Sec(double v) => v.ToString("0.00", c) + " s";

        s.Append(
            c,
            $"\nAcumaticaZendesk benchmark — {r.Machine.ProcessorCount} cores, {r.Machine.MemoryGb} GB, {r.Machine.DotnetVersion}, {r.Machine.StartedAtUtc}\n");
        s.Append(
            c,
            $"Dataset: {r.Dataset.Organizations} organizations + {r.Dataset.Users} users = {r.Dataset.Records} records; Zendesk rate limit "
                + $"{r.RateLimitPerMinute}/min; time scale {r.Options.EffectiveTimeScale} (sandbox job durations and client poll intervals divided by it); "
                    + $"page size {r.Options.PageSize}\n\n");

        s.Append("Initial load (the sync engine + adapters + clients)\n");
        if (r.WarmUp is { } warmUp)
        {
            Line(
                "after the warm-up",
                $"{warmUp.Rounds} loads, the last compiled {warmUp.LastRoundCompiled} methods "
                    + (warmUp.Settled ? $"(settled: below {warmUp.SettledBelow})" : $"(not settled: {warmUp.SettledBelow} or more)"));
        }

        Time(s, r.InitialLoad.Measurement);
        Line("organizations / users in Zendesk", $"{r.InitialLoad.OrganizationsInZendesk} / {r.InitialLoad.UsersInZendesk}");
        Line("failed records", r.InitialLoad.Failed.ToString(c) + Failures(r.InitialLoad));
        Endpoints(s, r.InitialLoad.Measurement);
        Line("bound (fewest requests at the rate limit)", $"{r.Bound.Requests} requests = {Sec(r.Bound.Seconds)}");
        Line(
            "of which onboarding lookups (listings + searches)",
            $"{r.InitialLoadOnboardingSearches} (without them: {r.InitialLoad.Measurement.ZendeskRequests - r.InitialLoadOnboardingSearches} requests)");
        Line(
            "efficiency (bound / effective time)",
            r.Efficiency.ToString("0.000", c) + (r.PlanLimit is null ? "  (goal >= 0.9)" : "  (scaled run: CPU time is not scaled)"));
        s.Append("\n");

        if (r.PlanLimit is { } plan)
        {
            s.Append(c, $"Initial load at the plan's limit: {plan.RateLimitPerMinute}/min, production timings (time scale {plan.TimeScale}), fresh account\n");
            Time(s, plan.Run.Measurement);
            Line(
                "organizations / users in Zendesk, failed",
                $"{plan.Run.OrganizationsInZendesk} / {plan.Run.UsersInZendesk}, {plan.Run.Failed}{Failures(plan.Run)}");
            Line("Zendesk requests", Requests(plan.Run.Measurement));
            Line("bound (fewest requests at the rate limit)", $"{plan.Bound.Requests} requests = {Sec(plan.Bound.Seconds)}");
            Line("efficiency (bound / effective time)", plan.Efficiency.ToString("0.000", c) + "  (goal >= 0.9)");
            s.Append("\n");
        }

        void LargeTenant(string title, LargeTenantRun large, string goal)
        {
            s.Append(c, $"{title}: {large.RateLimitPerMinute}/min, production timings, {large.Records} records, fresh account\n");
            Time(s, large.Run.Measurement);
            Line(
                "organizations / users in Zendesk, failed",
                $"{large.Run.OrganizationsInZendesk} / {large.Run.UsersInZendesk}, {large.Run.Failed}{Failures(large.Run)}");
            Line("Zendesk requests", Requests(large.Run.Measurement));
            Line("bound (fewest requests at the rate limit)", $"{large.Bound.Requests} requests = {Sec(large.Bound.Seconds)}");
            Line("efficiency (bound / effective time)", large.Efficiency.ToString("0.000", c) + $"  (median of {r.Runs}; goal >= {goal})");
            s.Append("\n");
        }

        if (r.HighVolume is { } high)
            LargeTenant("Initial load at the High Volume limit", high, "0.9");
        if (r.PlanLimitLarge is { } planLarge)
            LargeTenant("Initial load of the larger tenant at the plan's limit", planLarge, "0.95");

        if (r.WhatIfNoOnboardingSearch is { } whatIf)
        {
            s.Append("What-if: the same engine without per-record onboarding searches (bench-only; the account starts empty)\n");
            Time(s, whatIf.Measurement);
            Line("organizations / users in Zendesk, failed", $"{whatIf.OrganizationsInZendesk} / {whatIf.UsersInZendesk}, {whatIf.Failed}");
            Line("Zendesk requests", Requests(whatIf.Measurement));
            Line("efficiency (bound / effective time)", r.WhatIfEfficiency!.Value.ToString("0.000", c));
            s.Append("\n");
        }

        if (r.Naive is { } naive)
        {
            s.Append("Naive strategy (one lookup + one write per record), fresh account\n");
            Time(s, naive.Measurement);
            Line("organizations / users written, failed", $"{naive.Totals.Organizations} / {naive.Totals.Users}, {naive.Totals.Failed}");
            Endpoints(s, naive.Measurement);
            Line("speed-up of the engine over naive", r.SpeedUpOverNaive!.Value.ToString("0.0", c) + "x  (goal >= 50x)");
            s.Append("\n");
        }

        s.Append("Steady state\n");
        Line("unchanged run: wall time", Sec(r.UnchangedRun.Measurement.WallSeconds));
        Line("unchanged run: Zendesk writes", r.UnchangedRunZendeskWrites.ToString(c) + "  (goal 0)");
        Line("unchanged run: Zendesk requests", Requests(r.UnchangedRun.Measurement));
        var ch = r.ChangedRun;
        Line("changed run: organizations / users changed", $"{ch.ChangedOrganizations} / {ch.ChangedUsers}");
        Line("changed run: wall time", Sec(ch.Run.Measurement.WallSeconds));
        Line("changed run: Zendesk write calls (expected)", $"{ch.Run.Measurement.ZendeskWrites} ({ch.ExpectedWriteCalls} = ceil(changed/100) per kind)");
        Line("changed run: Zendesk requests", Requests(ch.Run.Measurement));
        s.Append("\n");

        Tickets.TicketsFigures.Append(s, r);

        if (r.Spreads.Count > 0)
        {
            s.Append(c, $"Figures over {r.Runs} run(s): median (min-max); the sections above show the first run's details\n");
            foreach (var (name, spread) in r.Spreads)
                Line(name, $"{spread.Median:0.000} ({spread.Min:0.000}-{spread.Max:0.000})");
            if (r.SpeedUp is { ProductionTimings: { } production })
                Line("speed-up over naive at production timings", production.ToString("0.0", c) + "x  (naive at the plan's limit is request-bound)");
            if (r.CpuMsPer1000Records is { } cpu)
                Line("connector CPU per 1,000 records", cpu.ToString("0.0", c) + " ms  (memory children: large minus small; sandbox in the parent)");
            s.Append("\n");
        }

        Tenants.TenantsReport.Append(s, r.Tenants);
        if (r.Memory.Count > 0)
        {
            s.Append("Memory (peak working set of a child process running the connector; sandbox in the parent)\n");
            foreach (var m in r.Memory)
                Line(
                    $"{m.Records} records",
                    $"peak {m.PeakWorkingSetMb:0.0} MB, managed heap after load {m.ManagedHeapAfterLoadMb:0.0} MB, {Sec(m.WallSeconds)}, "
                        + $"CPU {Sec(m.CpuSeconds)}");
            if (r.ColdLoadSeconds is { } cold)
                Line("cold worker vs warm: full dataset", $"{Sec(cold)} from process start vs {Sec(r.WarmLoadSeconds)} after the warm-up (phase 1)");
            if (r.MemoryGrowth is { } growth)
                Line($"growth for {r.DatasetGrowth:0.0}x the records", growth.ToString("0.00", c) + "x  (goal < 2x)");
        }

        if (r.CpuByStage is { Count: > 0 } stages)
        {
            s.Append("\nCPU by stage (large memory child under dotnet-trace: share of its on-CPU samples x its load CPU)\n");
            foreach (var stage in stages)
                Line(stage.Stage, $"{stage.Share:P1}  {stage.MsPer1000Records:0.0} ms per 1,000 records");
        }

        return s.ToString();
    }

    private static void Time(StringBuilder s, PhaseMeasurement m)
    {
        var c = CultureInfo.InvariantCulture;
        s.Append(c, $"  {"wall time",-44} {m.WallSeconds:0.00} s\n");
        s.Append(c, $"  {"effective time (max(wall, requests / limit))",-44} {m.EffectiveSeconds:0.00} s\n");
    }

    private static string Failures(EngineRun run) =>
        run.QueuedFailures.Count == 0 ? "" : " (" + string.Join(", ", run.QueuedFailures.Select(kv => $"{kv.Key}: {kv.Value}")) + ")";

    private static string Requests(PhaseMeasurement m) =>
        string.Join(", ", m.ZendeskRequestsByEndpoint.Select(kv => $"{kv.Key} {kv.Value}")) is { Length: > 0 } list ? $"{m.ZendeskRequests}: {list}" : "0";

    private static void Endpoints(StringBuilder s, PhaseMeasurement m)
    {
        var c = CultureInfo.InvariantCulture;
        s.Append(
            c,
            $"  {"Zendesk requests",-44} {m.ZendeskRequests} (sandbox answered {m.SandboxZendeskApiRequests} API + "
                + $"{m.SandboxZendeskRequests - m.SandboxZendeskApiRequests} token requests; 429s {m.ZendeskRateLimited}; budget wait "
                    + $"{m.ZendeskThrottleWaitSeconds:0.0} s)\n");
        foreach (var (endpoint, count) in m.ZendeskRequestsByEndpoint)
            s.Append(c, $"    {endpoint,-42} {count}\n");
        s.Append(c, $"  {"state-store calls (sidecar round trips)",-44} {m.StateCalls}\n");
        s.Append(c, $"  {"Acumatica requests",-44} {m.AcumaticaRequests}\n");
        foreach (var (endpoint, count) in m.AcumaticaRequestsByEndpoint)
            s.Append(c, $"    {endpoint,-42} {count}\n");
    }
}
