namespace AcumaticaZendesk.Benchmarks;

/// <summary>One figure over the runs: the median (the figure reported) and the spread.</summary>
public sealed record Spread(double Median, double Min, double Max, IReadOnlyList<double> Values)
{
    /// <summary>The median (the mean of the two middle values for an even count), the smallest and the largest value.</summary>
    public static Spread Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.ToList();
        if (all.Count == 0)
            throw new ArgumentException("A spread needs at least one value.", nameof(values));
        var sorted = all.Order().ToList();
        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[^1], all);
    }
}

/// <summary>The headline figures of one run (every run measures them afresh, each on its own sandbox).</summary>
/// <param name="SpeedUpProductionTimings">
/// Naive at the plan's limit (request-bound: its requests × 60 ÷ limit) over the production-timing load's effective time.
/// </param>
public sealed record RunFigures(
    int Run,
    double Efficiency,
    double? PlanLimitEfficiency,
    double? HighVolumeEfficiency,
    double? PlanLimitLargeEfficiency,
    double? WhatIfEfficiency,
    double? SpeedUpScaled,
    double? SpeedUpProductionTimings,
    double? CpuMsPer1000Records,
    double? MemoryGrowth)
{
    public static RunFigures Of(int run, BenchResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        double? production = results is { Naive: { } naive, PlanLimit: { } plan }
            ? naive.Measurement.ZendeskRequests * 60.0 / plan.RateLimitPerMinute / plan.Run.Measurement.EffectiveSeconds
            : null;
        return new RunFigures(
            run,
            results.Efficiency,
            results.PlanLimit?.Efficiency,
            results.HighVolume?.Efficiency,
            results.PlanLimitLarge?.Efficiency,
            results.WhatIfEfficiency,
            results.SpeedUpOverNaive,
            production,
            results.CpuMsPer1000Records,
            results.MemoryGrowth);
    }
}

/// <summary>The speed-up over naive: the scaled run's (median) and at production timings (median).</summary>
public sealed record SpeedUpResult(double? ScaledMedian, double? ProductionTimings);

/// <summary>
/// The initial load of a larger tenant (<see cref="BenchOptions.HighVolumeScale"/> × the dataset) on a fresh account at a
/// limit with production timings: at the High Volume add-on's 2,500/min, where bulk-job latency, not requests, used to set
/// the pace, and at the plan's own limit.
/// </summary>
public sealed record LargeTenantRun(int RateLimitPerMinute, int Records, double Efficiency, DatasetInfo Dataset, EngineRun Run, BoundResult Bound);

/// <summary>Every run's figures folded into one result: the first run's details, each headline figure its median over the runs.</summary>
public static class RunSummary
{
    public static BenchResults Combine(IReadOnlyList<BenchResults> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
            throw new ArgumentException("No runs to combine.", nameof(runs));
        var figures = runs.Select((r, i) => RunFigures.Of(i + 1, r)).ToList();
        var spreads = new SortedDictionary<string, Spread>(StringComparer.Ordinal);
        void Add(string name, Func<RunFigures, double?> figure)
        {
            var values = figures.Select(figure).OfType<double>().ToList();
            if (values.Count > 0)
                spreads[name] = Spread.Of(values);
        }

        Add("efficiency", f => f.Efficiency);
        Add("planLimitEfficiency", f => f.PlanLimitEfficiency);
        Add("highVolumeEfficiency", f => f.HighVolumeEfficiency);
        Add("planLimitLargeEfficiency", f => f.PlanLimitLargeEfficiency);
        Add("whatIfEfficiency", f => f.WhatIfEfficiency);
        Add("speedUpScaled", f => f.SpeedUpScaled);
        Add("speedUpProductionTimings", f => f.SpeedUpProductionTimings);
        Add("cpuMsPer1000Records", f => f.CpuMsPer1000Records);
        Add("memoryGrowth", f => f.MemoryGrowth);
        double? Median(string name) => spreads.TryGetValue(name, out var s) ? s.Median : null;

        var first = runs[0];
        return first with
        {
            Runs = runs.Count,
            Efficiency = Median("efficiency")!.Value,
            PlanLimit = first.PlanLimit is { } plan ? plan with { Efficiency = Median("planLimitEfficiency")!.Value } : null,
            HighVolume = first.HighVolume is { } high ? high with { Efficiency = Median("highVolumeEfficiency")!.Value } : null,
            PlanLimitLarge = first.PlanLimitLarge is { } large ? large with { Efficiency = Median("planLimitLargeEfficiency")!.Value } : null,
            WhatIfEfficiency = Median("whatIfEfficiency"),
            SpeedUpOverNaive = Median("speedUpScaled"),
            SpeedUp = new SpeedUpResult(Median("speedUpScaled"), Median("speedUpProductionTimings")),
            CpuMsPer1000Records = Median("cpuMsPer1000Records"),
            MemoryGrowth = Median("memoryGrowth"),
            PerRun = figures,
            Spreads = spreads,
        };
    }
}
