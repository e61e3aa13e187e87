using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Telemetry;

namespace AcumaticaZendesk.Sync.Audit;

/// <summary>Failed records of a tenant, waiting for replay (retried on the next run, or on demand).</summary>
public sealed class FailedRecordQueue(IConnectorStateStore store, AuditRetention retention)
{
    public async Task<IReadOnlyList<FailedRecord>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        (await store.GetAsync<List<FailedRecord>>(StateKeys.FailedQueue(tenantId), cancellationToken).ConfigureAwait(false)).Value ?? [];

    /// <summary>Adds or refreshes failures (attempts counted per record).</summary>
    public async Task EnqueueAsync(string tenantId, IReadOnlyList<FailedRecord> failures, CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
        {
            return;
        }

        var queue = await store.UpdateAsync<List<FailedRecord>>(StateKeys.FailedQueue(tenantId), queue =>
        {
            var byRef = (queue ?? []).ToDictionary(f => new RecordRef(f.Kind, f.Key));
            foreach (var failure in failures)
            {
                var error = failure.Error with { Message = SecretScrubber.Scrub(failure.Error.Message, retention.MaxMessageLength)! };
                var key = new RecordRef(failure.Kind, failure.Key);
                byRef[key] = byRef.TryGetValue(key, out var known)
                    ? known with { RunId = failure.RunId, LastFailedAt = failure.LastFailedAt, Attempts = known.Attempts + 1, Error = error }
                    : failure with { Attempts = 1, Error = error };
            }

            return [.. byRef.Values.OrderBy(f => f.FirstFailedAt).ThenBy(f => f.Kind).ThenBy(f => f.Key, StringComparer.Ordinal)];
        }, cancellationToken).ConfigureAwait(false);
        SyncMetrics.ReplayQueueSize(tenantId, queue.Count);
    }

    public async Task RemoveAsync(string tenantId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        var remove = records.ToHashSet();
        var left = await store.UpdateAsync<List<FailedRecord>>(
            StateKeys.FailedQueue(tenantId),
            queue => [.. (queue ?? []).Where(f => !remove.Contains(new RecordRef(f.Kind, f.Key)))],
            cancellationToken).ConfigureAwait(false);
        SyncMetrics.ReplayQueueSize(tenantId, left.Count);
    }
}
