using System.Globalization;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Retention;

/// <summary>Instance ids to look at once their hour has passed (state key <c>workflow-retention:{yyyyMMddHH}</c>).</summary>
public sealed record WorkflowRetentionBucket(IReadOnlyList<string> InstanceIds);

/// <summary>Where the purge passes stand: every hour before <see cref="NextHour"/> has been looked at (key <c>workflow-retention:cursor</c>).</summary>
public sealed record WorkflowRetentionCursor(DateTimeOffset NextHour);

/// <summary>
/// The ids of the workflow instances the sync worker started, filed by the hour from which they may be purged. Dapr
/// gives apps no way to list instances, and the tenant's run list keeps the last runs only, so the worker files every
/// instance it starts here (when <see cref="WorkflowRetentionOptions.Enabled"/>): at its start time plus
/// <see cref="WorkflowRetentionOptions.Completed"/>, the earliest moment it can be due.
/// </summary>
public sealed class WorkflowRetentionLedger(
    IConnectorStateStore store, IOptions<WorkflowRetentionOptions> options, TimeProvider time, ILogger<WorkflowRetentionLedger> logger)
{
    public const string CursorKey = "workflow-retention:cursor";

    public static string BucketKey(DateTimeOffset hour) =>
        "workflow-retention:" + hour.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>The start of the UTC hour holding <paramref name="moment"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset moment)
    {
        var utc = moment.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// Files an instance the worker just started. Never fails the caller: an instance not filed is only kept longer
    /// (logged), while a failed start would lose a run.
    /// </summary>
    public async Task RecordStartedAsync(string instanceId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return;
        }

        try
        {
            await FileAsync(time.GetUtcNow() + o.Completed, [instanceId], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Workflow instance {InstanceId} was not filed for retention; it is not purged by the worker", instanceId);
        }
    }

    /// <summary>Files <paramref name="instanceIds"/> in the bucket of the hour holding <paramref name="due"/> (each id once).</summary>
    public Task FileAsync(DateTimeOffset due, IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) =>
        store.UpdateAsync<WorkflowRetentionBucket>(
            BucketKey(HourOf(due)),
            bucket => new WorkflowRetentionBucket([.. (bucket?.InstanceIds ?? []).Union(instanceIds, StringComparer.Ordinal)]),
            cancellationToken);
}
