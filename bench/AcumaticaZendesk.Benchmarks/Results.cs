namespace AcumaticaZendesk.Benchmarks;

public sealed record MachineInfo(int ProcessorCount, double MemoryGb, string DotnetVersion, string Os, string StartedAtUtc);

public sealed record DatasetInfo(int Customers, int Vendors, int CustomerVendors, int Contacts, int Employees, int Organizations, int Users)
{
    public int Records => Organizations + Users;
}

/// <param name="QueuedFailures">The tenant's replay queue after the run, by kind and error code (why records failed).</param>
public sealed record EngineRun(
    string Name,
    PhaseMeasurement Measurement,
    IReadOnlyList<KindTotals> Kinds,
    int OrganizationsInZendesk,
    int UsersInZendesk,
    IReadOnlyDictionary<string, int> QueuedFailures)
{
    public int Failed => Kinds.Sum(k => k.Failed);
}

public sealed record BoundResult(string Formula, int Lookups, int Writes, int Polls, int Requests, double Seconds);

/// <summary>The initial load once more at the plan's own limit with production timings (time scale 1).</summary>
public sealed record PlanLimitRun(int RateLimitPerMinute, double TimeScale, EngineRun Run, BoundResult Bound, double Efficiency);

public sealed record NaiveRun(PhaseMeasurement Measurement, NaiveTotals Totals, int OrganizationsInZendesk, int UsersInZendesk);

public sealed record ChangedRun(int ChangedOrganizations, int ChangedUsers, int ExpectedWriteCalls, EngineRun Run);

/// <param name="CpuSeconds">The child's CPU time during the load (user + system, all threads): the connector alone, the sandbox being in the parent.</param>
public sealed record MemoryRun(
    int Records,
    int Organizations,
    int Users,
    double PeakWorkingSetMb,
    double ManagedHeapAfterLoadMb,
    double WallSeconds,
    double CpuSeconds);

public sealed record BenchResults(
    MachineInfo Machine,
    BenchOptions Options,
    int RateLimitPerMinute,
    DatasetInfo Dataset,
    EngineRun InitialLoad,
    BoundResult Bound,
    double Efficiency,
    PlanLimitRun? PlanLimit,
    long InitialLoadOnboardingSearches,
    EngineRun? WhatIfNoOnboardingSearch,
    double? WhatIfEfficiency,
    NaiveRun? Naive,
    double? SpeedUpOverNaive,
    EngineRun UnchangedRun,
    long UnchangedRunZendeskWrites,
    ChangedRun ChangedRun,
    IReadOnlyList<MemoryRun> Memory,
    double? MemoryGrowth,
    double? DatasetGrowth)
{
    /// <summary>The unmeasured loads before the initial load (this run's).</summary>
    public WarmUpResult? WarmUp { get; init; }

    /// <summary>How many runs the figures are the median of (<c>--runs</c>).</summary>
    public int Runs { get; init; } = 1;

    /// <summary>The initial load at the High Volume limit with production timings on the larger tenant (efficiency: median).</summary>
    public LargeTenantRun? HighVolume { get; init; }

    /// <summary>The same larger tenant at the plan's own limit (700/min), production timings (efficiency: median).</summary>
    public LargeTenantRun? PlanLimitLarge { get; init; }

    public SpeedUpResult? SpeedUp { get; init; }

    /// <summary>
    /// The connector's CPU per 1,000 records: the large memory child's load CPU minus the small one's, over the records
    /// between them (the sandbox is in the parent process; start-up and JIT cancel out; median).
    /// </summary>
    public double? CpuMsPer1000Records { get; init; }

    /// <summary>
    /// The full dataset loaded by a cold worker: the large memory child's wall time from its start (service provider, first
    /// token, JIT of every path) to the end of its load, beside <see cref="WarmLoadSeconds"/> (null without the memory phase).
    /// </summary>
    public double? ColdLoadSeconds => Memory.Count == 2 ? Memory[1].WallSeconds : null;

    /// <summary>The same dataset at the same limit loaded by this process after the warm-up load (phase 1's wall time).</summary>
    public double WarmLoadSeconds => InitialLoad.Measurement.WallSeconds;

    /// <summary>With <c>--profile</c>: the large memory child's CPU by stage (<see cref="ProfileStages"/>), first run only.</summary>
    public IReadOnlyList<StageCpu>? CpuByStage { get; init; }

    /// <summary>Ticket flow latency, webhook → Activity, and the export pass's catch-up (<c>tickets</c>; p50, p95, catch-up: medians).</summary>
    public Tickets.TicketsRun? Tickets { get; init; }

    /// <summary>The many-tenants phase (once per invocation, not per run; null with <c>--skip-tenants</c>).</summary>
    public Tenants.TenantsRun? Tenants { get; init; }

    /// <summary>Each run's headline figures.</summary>
    public IReadOnlyList<RunFigures> PerRun { get; init; } = [];

    /// <summary>Each headline figure over the runs: median, min, max.</summary>
    public IReadOnlyDictionary<string, Spread> Spreads { get; init; } = new Dictionary<string, Spread>(StringComparer.Ordinal);

    /// <summary>Cross-check problems of the runs after the first (whose details are not kept).</summary>
    public IReadOnlyList<string> OtherRunProblems { get; init; } = [];
}

/// <summary>
/// The warm-up: loads of the dataset on accounts of their own, each followed by a pause for the JIT's background work,
/// until one compiles fewer than <paramref name="SettledBelow"/> methods (<c>JitInfo.GetCompiledMethodCount</c>).
/// </summary>
public sealed record WarmUpResult(int Rounds, long LastRoundCompiled, int SettledBelow)
{
    public bool Settled => Rounds > 0 && LastRoundCompiled < SettledBelow;
}
