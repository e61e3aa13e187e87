using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Scheduling;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr.Workflow;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The sync worker gone in the middle of a page (its page never finishes nor fails, as in a killed process) and a
/// new worker started: the stand-in re-dispatches the unfinished work, the run finishes, nothing is lost.
/// </summary>
public sealed class RestartTests : AppsTestBase
{
    private readonly TaskCompletionSource neverOpens = new();

    /// <summary>The first worker's pages hang as in a killed process; the restarted worker's pages run.</summary>
    internal override ScriptedSyncEngine CreateEngine(int workerNumber, IConnectorStateStore state) => workerNumber == 1
        ? new ScriptedSyncEngine(state, Pages, neverOpens.Task, hangLikeAKilledProcess: true)
        : new ScriptedSyncEngine(state, Pages);

    [Fact]
    public async Task A_run_interrupted_mid_page_by_a_worker_restart_finishes_on_the_new_worker()
    {
        var run = Assert.Single((await TriggerCronAsync()).Tenants);
        Assert.Equal(ScheduleOutcome.Scheduled, run.Outcome);
        await WaitUntilAsync(() => Engine is { Calls.Count: > 0 });
        var interrupted = Engine;

        await Apps.RestartSyncWorkerAsync();

        var state = await WaitForCompletionAsync(run.InstanceId!);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var summary = state.ReadOutputAs<SyncRunSummary>()!;
        Assert.Equal(SyncRunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(7, summary.Counts.Pages);
        Assert.NotSame(interrupted, Engine);
        Assert.Equal(7, Engine.Calls.Count);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(RunDeadline);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
