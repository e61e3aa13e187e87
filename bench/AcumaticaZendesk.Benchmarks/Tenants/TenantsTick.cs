using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.Testing;
using DurableTask.Core;

namespace AcumaticaZendesk.Benchmarks.Tenants;

/// <summary>One cron tick as measured: the reports, how long they took, and the runs they started until the last one finished.</summary>
internal sealed record TickResult(
    IReadOnlyList<CronTickReport> Reports,
    double TickSeconds,
    double WallSeconds,
    IReadOnlyDictionary<string, OrchestrationStatus> Runs,
    IReadOnlyList<double> WaitSeconds,
    double CpuMs,
    long StateCalls,
    long StepSaves,
    long StepSaveOperations)
{
    public IEnumerable<TenantScheduleResult> Outcomes => Reports.SelectMany(r => r.Tenants);

    public int Completed => Runs.Values.Count(s => s == OrchestrationStatus.Completed);
}

/// <summary>Fires the <c>sync-cron</c> binding as daprd does (POST <c>/sync-cron</c>, empty body) and follows the runs it scheduled.</summary>
internal static class TenantsTick
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <param name="triggers">Bindings firing at the same moment (one per replica; the worker is the same here).</param>
    public static async Task<TickResult> RunAsync(SandboxedConnector connector, int triggers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sidecar = connector.Apps.Sidecar;
        var calls = sidecar.ComponentCallAttempts(DaprNames.Components.StateStore);
        var steps = sidecar.TaskHub.WorkflowStepSaves;
        var operations = sidecar.TaskHub.WorkflowStepSaveOperations;
        var cpu = CpuMs();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        var answers = await Task.WhenAll(Enumerable.Range(0, triggers).Select(_ => connector.Apps.TriggerSyncCronAsync(cancellationToken)))
            .ConfigureAwait(false);
        var tickSeconds = clock.Elapsed.TotalSeconds;
        var reports = answers.Select(a => a.Status == HttpStatusCode.OK
                ? JsonSerializer.Deserialize<CronTickReport>(a.Body, Json)!
                : throw new InvalidOperationException($"The cron tick answered {(int)a.Status}: {a.Body}"))
            .ToList();

        var scheduled = reports.SelectMany(r => r.Tenants).Where(t => t.Outcome == ScheduleOutcome.Scheduled).Select(t => t.InstanceId!).ToList();
        var (runs, lastFinished) = await WaitForRunsAsync(connector, scheduled, timeout, cancellationToken).ConfigureAwait(false);
        var cpuMs = CpuMs() - cpu;
        var waits = scheduled
            .Select(id => sidecar.TaskHub.FirstActivityDispatchedAt.TryGetValue(id, out var at) ? (at - started).TotalSeconds : double.NaN)
            .ToList();
        return new TickResult(
            reports,
            tickSeconds,
            (lastFinished - started).TotalSeconds,
            runs,
            waits,
            cpuMs,
            sidecar.ComponentCallAttempts(DaprNames.Components.StateStore) - calls,
            sidecar.TaskHub.WorkflowStepSaves - steps,
            sidecar.TaskHub.WorkflowStepSaveOperations - operations);
    }

    /// <summary>Polls the stand-in's task hub (in process, no gRPC) until every run reached a terminal state.</summary>
    private static async Task<(Dictionary<string, OrchestrationStatus> Runs, DateTimeOffset LastFinished)> WaitForRunsAsync(
        SandboxedConnector connector, IReadOnlyList<string> instanceIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var hub = connector.Apps.Sidecar.Orchestrations;
        var runs = new Dictionary<string, OrchestrationStatus>(StringComparer.Ordinal);
        var remaining = new HashSet<string>(instanceIds, StringComparer.Ordinal);
        var lastFinished = instanceIds.Count == 0 ? DateTimeOffset.UtcNow : DateTimeOffset.MinValue;
        var deadline = Stopwatch.StartNew();
        while (remaining.Count > 0)
        {
            foreach (var id in remaining.ToList())
            {
                var state = (await hub.GetOrchestrationStateAsync(id, allExecutions: false).ConfigureAwait(false))?.FirstOrDefault(s => s is not null);
                if (state?.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated
                    or OrchestrationStatus.Canceled)
                {
                    runs[id] = state.OrchestrationStatus;
                    remaining.Remove(id);
                    var finished = new DateTimeOffset(DateTime.SpecifyKind(state.CompletedTime, DateTimeKind.Utc));
                    lastFinished = finished > lastFinished ? finished : lastFinished;
                }
            }

            if (remaining.Count == 0)
                break;
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"{remaining.Count} of {instanceIds.Count} runs did not finish within {timeout.TotalSeconds:0} s");
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }

        return (runs, lastFinished);
    }

    private static double CpuMs()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
