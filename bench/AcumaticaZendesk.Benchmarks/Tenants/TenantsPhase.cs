using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.Testing;
using DurableTask.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.Benchmarks.Tenants;

/// <summary>
/// Many tenants on one sync worker (docs/benchmark.md, "Many tenants"): the whole product in process (sandbox, stand-in
/// sidecar, real worker). Tick 1 loads every tenant; a few tenants get a changed record; tick 2, one slot later, is
/// measured; tick 3, one more slot later, is fired twice at once as two replicas' bindings would, for duplicates.
/// </summary>
internal sealed partial class TenantsPhase(int count, int activityLimit, TextWriter progress)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>The sidecar's workflow limits of deploy/kubernetes/base/dapr/configuration.yaml (daprd's default is no limit).</summary>
    public const int MaxConcurrentWorkflowInvocations = 100;

    public const int KubernetesActivityLimit = 64;

    /// <summary>Tenants with a changed record before the measured tick: 1 %, at least one.</summary>
    public int ChangedCount => Math.Max(1, count / 100);

    public async Task<TenantsRun> RunAsync(CancellationToken cancellationToken)
    {
        var clock = new ShiftedClock();
        await using var connector = await StartAsync(Options(clock, activityLimit), cancellationToken).ConfigureAwait(false);
        var ids = Enumerable.Range(1, count).Select(TenantFleet.Id).ToList();

        progress.WriteLine($"tenants: setting up {count} small tenants (sandbox seed, tenant saved, Zendesk consent) ...");
        var setup = Stopwatch.StartNew();
        await TenantFleet.SetUpAsync(connector, ids, cancellationToken).ConfigureAwait(false);
        var setupSeconds = setup.Elapsed.TotalSeconds;

        // Ticks a slot apart; a run's timeout scales with the tenants (2 cores run them all).
        var timeout = TimeSpan.FromSeconds(120 + count);
        progress.WriteLine($"tenants: tick 1 (every tenant's initial load) after {setupSeconds:F1} s of set-up ...");
        var first = Check(await TenantsTick.RunAsync(connector, 1, timeout, cancellationToken).ConfigureAwait(false), ids, "tick 1");

        var changed = TenantFleet.RenameOneAccountEach(connector, ids.Take(ChangedCount));
        clock.Advance(Interval);
        progress.WriteLine($"tenants: tick 2, measured ({changed.Count} tenants with a renamed account, the rest unchanged) ...");
        var measured = Check(await TenantsTick.RunAsync(connector, 1, timeout, cancellationToken).ConfigureAwait(false), ids, "tick 2");
        var synced = TenantFleet.ChangesInZendesk(connector, changed);
        if (synced != changed.Count)
            throw new InvalidOperationException($"tick 2: {synced} of {changed.Count} renamed accounts reached Zendesk");

        clock.Advance(Interval);
        progress.WriteLine("tenants: tick 3, the binding fired twice at once (two replicas) ...");
        var twice = Check(await TenantsTick.RunAsync(connector, 2, timeout, cancellationToken).ConfigureAwait(false), ids, "tick 3", oneSidecarForTwo: true);

        return Result(connector, measured, first, twice, setupSeconds, changed.Count);
    }

    private TenantsRun Result(SandboxedConnector connector, TickResult measured, TickResult first, TickResult twice, double setupSeconds, int changed)
    {
        var runs = measured.Runs.Count;
        var throughput = runs / Math.Max(measured.WallSeconds, 1e-9) * Interval.TotalSeconds;
        var scheduling = count / Math.Max(measured.TickSeconds, 1e-9) * Interval.TotalSeconds;
        var waits = measured.WaitSeconds.Order().ToList();
        return new TenantsRun(
            count,
            measured.TickSeconds,
            measured.CpuMs / runs,
            (measured.StateCalls + measured.StepSaves) / (double)runs,
            Math.Min(throughput, scheduling),
            DuplicateRuns(connector),
            waits[^1])
        {
            ChangedTenants = changed,
            RunsCompleted = measured.Completed,
            UnchangedRunWallSeconds = measured.WallSeconds,
            MedianWaitSeconds = waits[waits.Count / 2],
            ThroughputTenantsPer5Min = throughput,
            SchedulingTenantsPer5Min = scheduling,
            LimitedBy = throughput <= scheduling ? "runs" : "scheduling",
            ConnectorStateCallsPerRun = measured.StateCalls / (double)runs,
            WorkflowStepSavesPerRun = measured.StepSaves / (double)runs,
            WorkflowStepSaveOperationsPerRun = measured.StepSaveOperations / (double)runs,
            FirstTickSeconds = first.TickSeconds,
            FirstTickWallSeconds = first.WallSeconds,
            DoubleTriggerTickSeconds = twice.TickSeconds,
            DoubleTriggerSharedBreakerTenants = twice.Outcomes.GroupBy(o => o.TenantId, StringComparer.Ordinal)
                .Count(g => g.All(o => o.Outcome != ScheduleOutcome.Scheduled)),
            DoubleTriggerOutcomes = twice.Outcomes.GroupBy(o => o.Outcome.ToString(), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            SetupSeconds = setupSeconds,
            CircuitBreakerTrips = connector.Apps.Sidecar.CircuitBreakerTrips(DaprNames.Components.StateStore),
            RefusedStateWrites = connector.Apps.Sidecar.StateRefusals
                .GroupBy(r => KeyPrefix(r.Key), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            IntervalSeconds = Interval.TotalSeconds,
            ActivityLimit = activityLimit,
        };
    }

    /// <summary>The key with tenant ids and run ids replaced ("connector-state/sync-lease:{tenant}", "connector-state/audit:{tenant}:run:{run}").</summary>
    private static string KeyPrefix(string storeAndKey) =>
        TenantOrRun().Replace(storeAndKey, m => m.Value.StartsWith("sync-", StringComparison.Ordinal) ? "{run}" : "{tenant}");

    [GeneratedRegex(@"sync-t\d{5}-[0-9a-z-]+|t\d{5}", RegexOptions.CultureInvariant)]
    private static partial Regex TenantOrRun();

    /// <summary>
    /// Every instance the sidecar handed an activity to, by tenant and slot (instance ids are
    /// <c>sync-{tenant}-{slot}-{random}</c>): runs beyond the first of a tenant's slot are duplicates.
    /// </summary>
    private static int DuplicateRuns(SandboxedConnector connector) =>
        connector.Apps.Sidecar.TaskHub.FirstActivityDispatchedAt.Keys
            .Select(id => id[..id.LastIndexOf('-')])
            .GroupBy(slot => slot, StringComparer.Ordinal)
            .Sum(g => g.Count() - 1);

    /// <summary>
    /// The in-process apps find their content roots (appsettings.json) through the test manifest when started from the output
    /// folder (as <c>make chaos</c> runs its console); <c>dotnet run --project</c> starts the bench in the repository root.
    /// </summary>
    private static async Task<SandboxedConnector> StartAsync(SandboxedConnectorOptions options, CancellationToken cancellationToken)
    {
        var before = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        try
        {
            return await SandboxedConnector.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.SetCurrentDirectory(before);
        }
    }

    /// <summary>
    /// Every tenant scheduled exactly once and its run completed; anything else fails the phase (its figures would mean nothing).
    /// With <paramref name="oneSidecarForTwo"/> (two triggers standing in for two replicas) a tenant that neither trigger
    /// scheduled because an attempt met an open circuit breaker is not counted as missing: both triggers share one sidecar
    /// here, so its breaker counts both replicas' lost lease races and fails the winner too, where in production each
    /// replica's sidecar counts its own and the winner schedules the tenant. Such refusals stay in the tick's outcomes
    /// (<see cref="TenantsRun.DoubleTriggerOutcomes"/>); duplicates never pass.
    /// </summary>
    private static TickResult Check(TickResult tick, IReadOnlyList<string> ids, string name, bool oneSidecarForTwo = false)
    {
        var scheduled = tick.Outcomes.Where(o => o.Outcome == ScheduleOutcome.Scheduled).GroupBy(o => o.TenantId, StringComparer.Ordinal).ToList();
        var sharedBreaker = oneSidecarForTwo
            ? tick.Outcomes.GroupBy(o => o.TenantId, StringComparer.Ordinal)
                .Where(g => g.All(o => o.Outcome != ScheduleOutcome.Scheduled)
                    && g.Any(o => o.Detail?.Contains("circuit breaker is open", StringComparison.OrdinalIgnoreCase) == true))
                .Select(g => g.Key).ToHashSet(StringComparer.Ordinal)
            : [];
        var missing = ids.Except(scheduled.Select(g => g.Key), StringComparer.Ordinal).Where(id => !sharedBreaker.Contains(id)).ToList();
        var twice = scheduled.Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var notCompleted = tick.Runs.Where(r => r.Value != OrchestrationStatus.Completed).Select(r => $"{r.Key} {r.Value}").ToList();
        if (missing.Count > 0 || twice.Count > 0 || notCompleted.Count > 0)
        {
            var outcomes = string.Join(
                ", ", tick.Outcomes.Where(o => o.Outcome != ScheduleOutcome.Scheduled).Take(5).Select(o => $"{o.TenantId} {o.Outcome} {o.Detail}"));
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: {missing.Count} tenants not scheduled ({outcomes}), {twice.Count} scheduled twice, {notCompleted.Count} runs not completed "
                    + $"({string.Join(", ", notCompleted.Take(5))})"));
        }

        return tick;
    }

    /// <summary>
    /// The worker as deployed (5-minute slots, production page sizes, its own workflow retention as in Container Apps, the
    /// Kubernetes sidecar's workflow concurrency), with
    /// warnings only in the log (an information line per scheduled run would flood the console;
    /// <c>BENCH_TENANTS_LOG_LEVEL</c> changes it), on the shifted clock.
    /// </summary>
    private static SandboxedConnectorOptions Options(ShiftedClock clock, int activityLimit) => new()
    {
        MaxConcurrentWorkflowInvocations = MaxConcurrentWorkflowInvocations,
        MaxConcurrentActivityInvocations = activityLimit,
        PageSize = 500,
        PagesPerExecution = 50,
        Configuration = new Dictionary<string, string?>
        {
            ["SyncSchedule:Interval"] = Interval.ToString("c", CultureInfo.InvariantCulture),
            ["WorkflowRetention:Enabled"] = "true",
            ["Serilog:MinimumLevel:Default"] = Environment.GetEnvironmentVariable("BENCH_TENANTS_LOG_LEVEL") ?? "Warning",
        },
        ConfigureSyncWorker = services => services.AddSingleton<TimeProvider>(clock),
    };
}
