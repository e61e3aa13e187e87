using AcumaticaZendesk.Sync.Ports;
using Dapr.Workflow;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Retention;

/// <summary>What one purge pass did.</summary>
/// <param name="Gone">Instances the engine no longer has (purged before, by anyone).</param>
public sealed record WorkflowRetentionReport(int Purged, int Kept, int Gone, int Failed, int HoursDone);

/// <summary>
/// One pass over the hours of the <see cref="WorkflowRetentionLedger"/> that have passed: an instance whose retention ran
/// out since its last update (as daprd's <c>stateRetentionPolicy</c> counts) is purged, a younger one filed again.
/// Idempotent, bounded, and safe on several replicas (bucket writes carry ETags; a replica that loses a race stops).
/// </summary>
public sealed class WorkflowRetentionPass(
    IConnectorStateStore store,
    WorkflowRetentionLedger ledger,
    IDaprWorkflowClient workflows,
    IOptions<WorkflowRetentionOptions> options,
    TimeProvider time,
    ILogger<WorkflowRetentionPass> logger)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public async Task<WorkflowRetentionReport> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var firstOpenHour = WorkflowRetentionLedger.HourOf(now); // the hours before it have fully passed
        var (cursor, _) = await store.GetAsync<WorkflowRetentionCursor>(WorkflowRetentionLedger.CursorKey, cancellationToken).ConfigureAwait(false);
        var tally = new Tally(o.MaxInstancesPerPass);

        // No cursor: the first pass. Instances are filed at least Completed after their start, so none is due yet.
        var hour = cursor?.NextHour ?? firstOpenHour;
        while (hour < firstOpenHour && tally.Budget > 0)
        {
            if (!await PassHourAsync(hour, now, o, tally, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            tally.HoursDone++;
            hour += Hour;
        }

        if (cursor?.NextHour != hour)
        {
            await store.SaveAsync(WorkflowRetentionLedger.CursorKey, new WorkflowRetentionCursor(hour), cancellationToken).ConfigureAwait(false);
        }

        var report = new WorkflowRetentionReport(tally.Purged, tally.Kept, tally.Gone, tally.Failed, tally.HoursDone);
        logger.LogInformation(
            "Workflow retention pass: {Purged} instances purged, {Kept} kept for later, {Gone} already gone, {Failed} failed, {Hours} hours done, next hour "
                + "{NextHour:O}",
            report.Purged, report.Kept, report.Gone, report.Failed, report.HoursDone, hour);
        return report;
    }

    /// <summary>Handles one hour's bucket; true when it is done, false when the pass must stop here.</summary>
    private async Task<bool> PassHourAsync(
        DateTimeOffset hour,
        DateTimeOffset now,
        WorkflowRetentionOptions o,
        Tally tally,
        CancellationToken cancellationToken)
    {
        var key = WorkflowRetentionLedger.BucketKey(hour);
        var (bucket, etag) = await store.GetAsync<WorkflowRetentionBucket>(key, cancellationToken).ConfigureAwait(false);
        if (bucket is null || bucket.InstanceIds.Count == 0)
        {
            return true;
        }

        var later = new Dictionary<DateTimeOffset, List<string>>();
        var handled = 0;
        foreach (var instanceId in bucket.InstanceIds)
        {
            if (tally.Budget == 0)
            {
                break;
            }

            tally.Budget--;
            handled++;
            if (await DecideAsync(instanceId, now, o, tally, cancellationToken).ConfigureAwait(false) is { } due)
            {
                var dueHour = WorkflowRetentionLedger.HourOf(due);
                if (!later.TryGetValue(dueHour, out var ids))
                {
                    later[dueHour] = ids = [];
                }

                ids.Add(instanceId);
            }
        }

        foreach (var (dueHour, ids) in later)
        {
            await ledger.FileAsync(dueHour, ids, cancellationToken).ConfigureAwait(false);
        }

        var rest = bucket.InstanceIds.Skip(handled).ToList();
        if (rest.Count == 0)
        {
            await store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!await store.TrySaveAsync(key, new WorkflowRetentionBucket(rest), etag, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Workflow retention: hour {Hour:O} was changed by another replica; this pass stops", hour);
        }

        return false;
    }

    /// <summary>Purges the instance when its retention has passed; else returns when to look at it again.</summary>
    private async Task<DateTimeOffset?> DecideAsync(
        string instanceId,
        DateTimeOffset now,
        WorkflowRetentionOptions o,
        Tally tally,
        CancellationToken cancellationToken)
    {
        try
        {
            var state = await workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            if (state is null || !state.Exists)
            {
                tally.Gone++;
                return null;
            }

            TimeSpan? retention = state.RuntimeStatus switch
            {
                WorkflowRuntimeStatus.Completed => o.Completed,
                WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated or WorkflowRuntimeStatus.Canceled => o.FailedOrTerminated,
                _ => null,
            };
            if (retention is null)
            {
                tally.Kept++;
                return now + o.Completed;
            }

            var due = state.LastUpdatedAt + retention.Value;
            if (due > now)
            {
                tally.Kept++;
                return due;
            }

            await workflows.PurgeInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
            tally.Purged++;
            logger.LogDebug("Workflow retention: purged {InstanceId} ({Status} since {LastUpdatedAt:O})", instanceId, state.RuntimeStatus, state.LastUpdatedAt);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            tally.Failed++;
            logger.LogWarning(ex, "Workflow retention: could not look up or purge {InstanceId}; it is tried again in the next pass", instanceId);
            return now + o.PassInterval;
        }
    }

    private sealed class Tally(int budget)
    {
        public int Budget { get; set; } = budget;

        public int Purged { get; set; }

        public int Kept { get; set; }

        public int Gone { get; set; }

        public int Failed { get; set; }

        public int HoursDone { get; set; }
    }
}
