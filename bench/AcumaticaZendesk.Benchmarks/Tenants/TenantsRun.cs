namespace AcumaticaZendesk.Benchmarks.Tenants;

/// <summary>
/// The many-tenants phase (results.json <c>tenants</c>): many small tenants on one sync worker, driven through the cron
/// endpoint, the scheduler, the leases and the workflows on the stand-in sidecar. The figures are those of the measured
/// tick (the second one: every tenant loaded already, <see cref="ChangedTenants"/> of them with a changed record).
/// </summary>
/// <param name="Count">Tenants on the worker.</param>
/// <param name="TickSeconds">The measured cron POST until the endpoint answered (every due tenant scheduled).</param>
/// <param name="CpuMsPerUnchangedRun">Process CPU (worker, stand-in sidecar and sandbox: one process) from the tick until the last
/// run finished, over the runs.</param>
/// <param name="StateOpsPerUnchangedRun">Connector state store calls plus workflow step saves (actor state store transactions), over the runs.</param>
/// <param name="TenantsPerReplicaPer5Min">The lower of <see cref="ThroughputTenantsPer5Min"/> and <see cref="SchedulingTenantsPer5Min"/>.</param>
/// <param name="DuplicateRuns">Workflow instances that ran beyond one per tenant and slot, over every tick of the phase.</param>
/// <param name="SlowestWaitSeconds">Longest time from the tick to a tenant's first activity handed to the worker (fairness).</param>
public sealed record TenantsRun(
    int Count,
    double TickSeconds,
    double CpuMsPerUnchangedRun,
    double StateOpsPerUnchangedRun,
    double TenantsPerReplicaPer5Min,
    int DuplicateRuns,
    double SlowestWaitSeconds)
{
    public int ChangedTenants { get; init; }

    /// <summary>Runs of the measured tick that completed (the phase fails unless every tenant's did).</summary>
    public int RunsCompleted { get; init; }

    /// <summary>From the measured tick until its last run completed.</summary>
    public double UnchangedRunWallSeconds { get; init; }

    public double MedianWaitSeconds { get; init; }

    /// <summary>Runs per second of the measured tick × 300.</summary>
    public double ThroughputTenantsPer5Min { get; init; }

    /// <summary>Tenants one tick schedules in 300 s at the measured tick's pace (the scheduler's own cap).</summary>
    public double SchedulingTenantsPer5Min { get; init; }

    /// <summary>Which of the two bounds <see cref="TenantsPerReplicaPer5Min"/>: "runs" or "scheduling".</summary>
    public string LimitedBy { get; init; } = "";

    public double ConnectorStateCallsPerRun { get; init; }

    public double WorkflowStepSavesPerRun { get; init; }

    public double WorkflowStepSaveOperationsPerRun { get; init; }

    /// <summary>The first tick (every tenant's initial load): until it answered, and until its last run completed.</summary>
    public double FirstTickSeconds { get; init; }

    public double FirstTickWallSeconds { get; init; }

    /// <summary>A third tick fired twice at once (two replicas' bindings fire at the same wall-clock moment): until both answered.</summary>
    public double? DoubleTriggerTickSeconds { get; init; }

    /// <summary>Outcomes the double trigger's two reports gave, by outcome (one Scheduled per tenant, the rest DuplicateSlot or LostRace).</summary>
    public IReadOnlyDictionary<string, int> DoubleTriggerOutcomes { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// Tenants the double trigger left unscheduled because an attempt met the shared sidecar's open circuit breaker: one
    /// sidecar stands in for two here, so it counts both replicas' lost lease races (in production each replica's sidecar
    /// counts its own, and the winner schedules the tenant). docs/benchmark.md, "Many tenants".
    /// </summary>
    public int DoubleTriggerSharedBreakerTenants { get; init; }

    /// <summary>Times the sidecar's circuit breaker on the connector state store opened during the phase (every state call fails while open).</summary>
    public int CircuitBreakerTrips { get; init; }

    /// <summary>State writes the store refused during the phase (ETag conflicts: each counts as a failure for the breaker), by key prefix.</summary>
    public IReadOnlyDictionary<string, int> RefusedStateWrites { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Setting up the tenants (sandbox seed, tenant saved, Zendesk consent), bounded in parallel.</summary>
    public double SetupSeconds { get; init; }

    /// <summary>The sidecar's <c>maxConcurrentActivityInvocations</c> (activities of all tenants' runs at once).</summary>
    public int ActivityLimit { get; init; }

    /// <summary>The interval whose slots the ticks fall in (<c>SyncSchedule:Interval</c>).</summary>
    public double IntervalSeconds { get; init; }
}
