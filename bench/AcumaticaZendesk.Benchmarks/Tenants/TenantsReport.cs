using System.Globalization;
using System.Text;

namespace AcumaticaZendesk.Benchmarks.Tenants;

/// <summary>The many-tenants section of the console table.</summary>
internal static class TenantsReport
{
    public static void Append(StringBuilder s, TenantsRun? t)
    {
        if (t is null)
            return;
        var c = CultureInfo.InvariantCulture;
        void Line(string label, string value) => s.Append(c, $"  {label,-44} {value}\n");

        s.Append(c, $"Many tenants: {t.Count} small tenants on one worker, {t.IntervalSeconds / 60:0}-minute slots, {t.ActivityLimit} activities at once ");
        s.Append("(once; worker, stand-in and sandbox in one process)\n");
        Line("set-up (seed, save, Zendesk consent)", $"{t.SetupSeconds:0.0} s");
        Line("tick 1 (initial loads): tick / all runs done", $"{t.FirstTickSeconds:0.00} s / {t.FirstTickWallSeconds:0.0} s");
        Line("measured tick: schedules every tenant in", $"{t.TickSeconds:0.00} s  (goal < 5 s for 1,000)");
        Line("measured tick: changed / runs completed", $"{t.ChangedTenants} / {t.RunsCompleted}");
        Line("measured tick: all runs done after", $"{t.UnchangedRunWallSeconds:0.0} s");
        Line("CPU per run (whole process)", $"{t.CpuMsPerUnchangedRun:0.0} ms");
        Line(
            "state ops per run",
            $"{t.StateOpsPerUnchangedRun:0.0} = {t.ConnectorStateCallsPerRun:0.0} connector-state calls + {t.WorkflowStepSavesPerRun:0.0} workflow step saves "
                + $"({t.WorkflowStepSaveOperationsPerRun:0.0} operations)");
        Line("wait for the first activity: median / slowest", $"{t.MedianWaitSeconds:0.00} s / {t.SlowestWaitSeconds:0.00} s");
        Line(
            "tenants per replica per 5 min",
            $"{t.TenantsPerReplicaPer5Min:0} (runs: {t.ThroughputTenantsPer5Min:0}, scheduling: {t.SchedulingTenantsPer5Min:0}; limited by {t.LimitedBy}; "
                + "goal >= 5,000)");
        Line(
            "double trigger (two replicas): tick",
            $"{t.DoubleTriggerTickSeconds:0.00} s, " + string.Join(", ", t.DoubleTriggerOutcomes.Select(o => $"{o.Key} {o.Value}")));
        Line(
            "refused state writes; breaker trips",
            string.Join(", ", t.RefusedStateWrites.Select(r => $"{r.Key} {r.Value}")) + $"; {t.CircuitBreakerTrips}");
        Line("duplicate runs (all ticks)", $"{t.DuplicateRuns}  (goal 0)");
        s.Append('\n');
    }
}
