using System.Globalization;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.SyncWorker.Retention;

/// <summary>Instance ids to look at once their hour has passed (state key <c>workflow-retention:{yyyyMMddHH}</c>).</summary>
public sealed record WorkflowRetentionBucket(IReadOnlyList<string> InstanceIds);

/// <summary>Where the purge passes stand: every hour before <see cref="NextHour"/> has been looked at (key <c>workflow-retention:cursor</c>).</summary>
public sealed record WorkflowRetentionCursor(DateTimeOffset NextHour);

/// <summary>The workflow instances the worker started, by the hour they may be purged from: Dapr gives apps no way to list instances.</summary>
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
    /// Files just-started instances (one write). Never fails the caller: an instance not filed is only kept longer, a failed start loses a run.
    /// </summary>
    public async Task RecordStartedAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var o = options.Value;
        if (!o.Enabled || instanceIds.Count == 0)
        {
            return;
        }

        try
        {
            await FileAsync(time.GetUtcNow() + o.Completed, instanceIds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                ex, "{Count} workflow instances (first {InstanceId}) were not filed for retention; the worker does not purge them",
                instanceIds.Count, instanceIds.First());
        }
    }

    /// <summary>Files <paramref name="instanceIds"/> in the bucket of the hour holding <paramref name="due"/> (each id once).</summary>
    public Task FileAsync(DateTimeOffset due, IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) =>
        store.UpdateAsync<WorkflowRetentionBucket>(
            BucketKey(HourOf(due)),
            bucket => new WorkflowRetentionBucket([.. (bucket?.InstanceIds ?? []).Union(instanceIds, StringComparer.Ordinal)]),
            cancellationToken);
}
