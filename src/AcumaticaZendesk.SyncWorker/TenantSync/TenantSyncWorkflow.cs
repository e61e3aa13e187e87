using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;
using AcumaticaZendesk.SyncWorker.Tickets;
using Dapr.Workflow;

namespace AcumaticaZendesk.SyncWorker.TenantSync;

/// <summary>
/// One tenant's sync run: each kind once its prerequisites are read (<see cref="SyncStages"/>), ready kinds side by side,
/// until the engine reports no more pages; then the ticket export pass and <see cref="CompleteSyncRunActivity"/>.
/// Deterministic: time from the context, no I/O; kinds interleave in the order their activities complete, which the
/// workflow history replays.
/// </summary>
public sealed class TenantSyncWorkflow : Workflow<TenantSyncInput, SyncRunSummary?>
{
    /// <summary>Retries of a page span minutes (Polly in the clients covers seconds). Part of the history: a change affects in-flight runs.</summary>
    public static readonly WorkflowTaskOptions PageRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 5,
        firstRetryInterval: TimeSpan.FromSeconds(30),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(10)));

    /// <summary>Recording the run only talks to the sidecar: retry it longer, it must not be lost.</summary>
    public static readonly WorkflowTaskOptions FinishRetry = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 10,
        firstRetryInterval: TimeSpan.FromSeconds(10),
        backoffCoefficient: 2.0,
        maxRetryInterval: TimeSpan.FromMinutes(5)));

    public override async Task<SyncRunSummary?> RunAsync(WorkflowContext context, TenantSyncInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var run = new RunState(context, input);

        // Start every kind whose prerequisites are read; when one returns (read to the end, budget spent or failed),
        // start what became ready. Nothing new starts after a failure or once the page budget is spent.
        var running = new Dictionary<Task, EntityKind>();
        while (true)
        {
            var started = false;
            foreach (var kind in SyncStages.Ready(run.Finished, running.Values).ToArray())
            {
                if (run.Error is null && run.PagesThisExecution < input.PagesPerExecution)
                {
                    running[run.ReadKindAsync(kind, running.Values)] = kind;
                    started = true;
                }
            }

            if (started)
            {
                // Operators see what is being read (and the progress carried into this execution) from the moment a
                // kind starts, not only once its first call returns (minutes on a large first page of a new execution).
                run.ReportRunning([.. running.Where(r => !r.Key.IsCompleted).Select(r => r.Value)]);
            }

            if (running.Count == 0)
            {
                break;
            }

            running.Remove(await Task.WhenAny(running.Keys));
        }

        if (run.Error is null && run.Finished.Count < SyncStages.KindOrder.Count)
        {
            run.Logger.LogInformation(
                "Run {RunId} continues as new after {Pages} pages (generation {Generation})",
                context.InstanceId, run.PagesThisExecution, input.Generation + 1);
            context.ContinueAsNew(input with
            {
                FinishedKinds = [.. run.Finished],
                Progress = run.Progress,
                Generation = input.Generation + 1,
            });
            return null;
        }

        var summary = new SyncRunSummary(
            input.TenantId,
            context.InstanceId,
            input.Slot,
            input.StartedAt,
            new DateTimeOffset(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc)),
            run.Error is null ? SyncRunOutcome.Succeeded : SyncRunOutcome.Failed,
            run.Progress,
            run.Error);

        if (run.StopCause is null)
        {
            await TicketExportStep.RunAsync(context, input.TenantId, run.Logger);
        }
        else
        {
            // The settings or credentials that stopped the run would stop the export pass too (after its retries).
            run.Logger.LogWarning(
                "Run {RunId}: no ticket export pass; the run stopped ({StopCause}) and needs an operator first",
                context.InstanceId,
                run.StopCause);
        }
        await context.CallActivityAsync<bool>(nameof(CompleteSyncRunActivity), summary, FinishRetry);
        context.SetCustomStatus(new TenantSyncStatus(input.TenantId, null, input.Generation, run.Progress, []));
        return summary;
    }

    /// <summary>One execution's position; orchestrator code runs on one thread, so kinds share it without locks.</summary>
    private sealed class RunState(WorkflowContext context, TenantSyncInput input)
    {
        public ILogger Logger { get; } = context.CreateReplaySafeLogger<TenantSyncWorkflow>();

        public List<EntityKind> Finished { get; } = [.. input.FinishedKinds ?? []];

        public SyncCounts Progress { get; private set; } = input.Progress ?? SyncCounts.None;

        public int PagesThisExecution { get; private set; }

        public string? Error { get; private set; }

        /// <summary>Why the engine stopped the run, when it did (an operator must act; nothing a retry would fix).</summary>
        public RunStopCause? StopCause { get; private set; }

        /// <summary>Pages one kind until it is read to the end, the execution's page budget is spent, or the run fails.</summary>
        public async Task ReadKindAsync(EntityKind kind, IEnumerable<EntityKind> running)
        {
            while (Error is null && PagesThisExecution < input.PagesPerExecution)
            {
                PagesThisExecution++; // reserved before the call: the other kinds of the stage see it
                SyncPagesResult page;
                try
                {
                    page = await context.CallActivityAsync<SyncPagesResult>(
                        nameof(SyncPageActivity),
                        new SyncPagesRequest(input.TenantId, context.InstanceId, kind, input.PageSize, MaxPages: Math.Max(1, input.PagesPerActivity)),
                        PageRetry);
                }
                catch (WorkflowTaskFailedException ex)
                {
                    Fail($"{kind} page failed: {ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}");
                    return;
                }

                Progress = Progress.Add(page.Counts);
                PagesThisExecution += Math.Max(0, page.Counts.Pages - 1);
                if (page.Stopped is { } reason)
                {
                    StopCause = page.StopCause;
                    Fail($"{kind}: {reason}");
                    return;
                }

                if (page.HasMore && page.Counts.Read == 0)
                {
                    Fail($"{kind}: the sync engine reported more pages but returned an empty one; stopping to avoid a loop");
                    return;
                }

                if (!page.HasMore)
                {
                    Finished.Add(kind);
                }

                Report([.. running, kind]);
                if (!page.HasMore)
                {
                    return;
                }
            }
        }

        public void ReportRunning(IReadOnlyCollection<EntityKind> kinds)
        {
            if (kinds.Count > 0)
            {
                Report(kinds);
            }
        }

        private void Report(IReadOnlyCollection<EntityKind> inFlight)
        {
            var now = SyncStages.KindOrder.Where(k => !Finished.Contains(k) && inFlight.Contains(k)).ToArray();
            context.SetCustomStatus(new TenantSyncStatus(
                input.TenantId,
                now.Length > 0 ? now[0] : SyncStages.Ready(Finished, []).Cast<EntityKind?>().FirstOrDefault(),
                input.Generation,
                Progress,
                [.. now.Select(k => k.ToString())]));
        }

        private void Fail(string error)
        {
            Error ??= error;
            Logger.LogError("Run {RunId} stops: {Error}", context.InstanceId, error);
        }
    }

}
