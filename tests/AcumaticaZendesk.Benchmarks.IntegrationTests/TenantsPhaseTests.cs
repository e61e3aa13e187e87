using AcumaticaZendesk.Benchmarks.Tenants;

namespace AcumaticaZendesk.Benchmarks.IntegrationTests;

/// <summary>The many-tenants phase at ten tenants: structural facts only (every tick ran every tenant once), no timings.</summary>
public sealed class TenantsPhaseTests
{
    [Fact]
    public async Task Every_tenant_runs_once_per_tick_with_no_duplicate_even_when_two_replicas_fire_together_and_the_counters_count()
    {
        var run = await new TenantsPhase(10, TenantsPhase.KubernetesActivityLimit, TextWriter.Null).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(10, run.Count);
        Assert.Equal(1, run.ChangedTenants);
        Assert.Equal(10, run.RunsCompleted);
        Assert.Equal(0, run.DuplicateRuns);

        // Two triggers of one slot: one run per tenant, the other trigger told so (already scheduled, or lost the lease race).
        // Both share one sidecar here, so its breaker may count both replicas' lost races and refuse a tenant to both (in
        // production each replica's sidecar counts its own): such a tenant is counted apart, never run twice.
        var scheduled = run.DoubleTriggerOutcomes.GetValueOrDefault("Scheduled");
        Assert.Equal(10, scheduled + run.DoubleTriggerSharedBreakerTenants);
        Assert.Equal(20, run.DoubleTriggerOutcomes.Values.Sum());
        Assert.All(run.DoubleTriggerOutcomes.Keys, k => Assert.Contains(k, new[] { "Scheduled", "DuplicateSlot", "LostRace", "Failed" }));
        Assert.True(run.DoubleTriggerOutcomes.GetValueOrDefault("Failed") == 0 || run.DoubleTriggerSharedBreakerTenants > 0 || run.CircuitBreakerTrips > 0);

        // The sidecar's counters saw each run's state calls and workflow steps, and each run's first activity.
        Assert.True(run.ConnectorStateCallsPerRun > 0, "connector-state calls per run");
        Assert.True(run.WorkflowStepSavesPerRun >= 2, "a run saves at least its start and its end");
        Assert.True(run.WorkflowStepSaveOperationsPerRun >= run.WorkflowStepSavesPerRun, "each save has at least its metadata operation");
        Assert.True(run.CpuMsPerUnchangedRun > 0);
        Assert.True(run.SlowestWaitSeconds >= run.MedianWaitSeconds && run.MedianWaitSeconds > 0);
        Assert.True(run.TenantsPerReplicaPer5Min > 0 && run.LimitedBy is "runs" or "scheduling");
    }
}
