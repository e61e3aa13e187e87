using AcumaticaZendesk.Sync.Audit;
using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Paging;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Source;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Sync.Engine;

/// <summary>
/// Records synced again by key: an operator's replay, the failed queue at a window's start, and contacts relinked once
/// their organization was written. A record gone from Acumatica is skipped and leaves the queue.
/// </summary>
internal sealed class Replayer(
    IConnectorStateStore store, IAcumaticaSource source, TenantRepository tenants, CheckpointStore checkpoints, FailedRecordQueue failed,
    RecordProcessor processor, PageRecorder recorder, IOptions<SyncEngineOptions> options, TimeProvider time)
{
    /// <summary>
    /// Replays records on demand (operator) or from the failed queue as a run of their own, kinds in a run's order
    /// (<see cref="SyncStages.KindOrder"/>), so a clash between kinds is settled as a run settles it.
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(string tenantId, string runId, IReadOnlyCollection<RecordRef> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var tenant = await tenants.GetRequiredAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var results = new List<PlannedItem>();
        foreach (var group in records.Distinct().GroupBy(r => r.Kind).OrderBy(g => RunPosition(g.Key)))
        {
            var (checkpoint, _) = await checkpoints.GetAsync(tenantId, group.Key, cancellationToken).ConfigureAwait(false);
            var firstLoad = !(checkpoint?.InitialLoadCompleted ?? false);
            var scope = new PageScope(tenant, runId, group.Key, DryRun: false, Replay: true, firstLoad, time.GetUtcNow());
            var items = await ReplayKindAsync(scope, group.Select(r => r.Key).ToArray(), cancellationToken).ConfigureAwait(false);
            results.AddRange(items.Select(i => i.ToPlanned()));
            var summary = PageResults.Summarize(group.Key, items.Count, items, false, checkpoint?.Watermark);
            await recorder.AddToRunAsync(tenantId, runId, summary, checkpoint?.Watermark, 0, false, cancellationToken).ConfigureAwait(false);
        }

        return new ReplayResult(results);
    }

    public async Task<ReplayResult> ReplayFailedAsync(string tenantId, string runId, CancellationToken cancellationToken)
    {
        var queued = await failed.ListAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return await ReplayAsync(tenantId, runId, queued.Select(f => new RecordRef(f.Kind, f.Key)).ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The kind's queued failures (up to <c>Sync:Engine:MaxRetriesPerWindow</c>), retried at the start of a window.</summary>
    public async Task<IReadOnlyList<WorkItem>> RetryQueuedAsync(PageScope scope, CancellationToken cancellationToken)
    {
        var queued = (await failed.ListAsync(scope.Tenant.Id, cancellationToken).ConfigureAwait(false))
            .Where(f => f.Kind == scope.Kind).Take(options.Value.MaxRetriesPerWindow).Select(f => f.Key).ToArray();
        return queued.Length == 0 ? [] : await ReplayKindAsync(scope with { Replay = true }, queued, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replays contacts written without their organization once it is written, so they get linked. They leave the pending
    /// list only once replayed: ones added meanwhile stay, and a replay that throws leaves it for the next write.
    /// </summary>
    public async Task RelinkContactsAsync(PageScope scope, IEnumerable<WorkItem> organizationItems, CancellationToken cancellationToken)
    {
        if (!ExternalIds.IsOrganizationKind(scope.Kind) || !scope.Tenant.IsEnabled(EntityKind.Contact))
        {
            return;
        }

        var written = organizationItems
            .Where(i => i.Action is PlannedAction.Create or PlannedAction.Recreate or PlannedAction.Adopt or PlannedAction.Update)
            .Select(i => StateKeys.PendingOrganizationLinks(scope.Tenant.Id, i.ExternalId)).Distinct(StringComparer.Ordinal).ToArray();
        if (written.Length == 0)
        {
            return;
        }

        var pending = (await store.GetManyAsync<List<string>>(written, cancellationToken).ConfigureAwait(false))
            .Where(p => p.Value.Count > 0).ToArray();
        if (pending.Length == 0)
        {
            return;
        }

        var contactScope = scope with { Kind = EntityKind.Contact, Replay = true };
        var contacts = pending.SelectMany(p => p.Value).Distinct(StringComparer.Ordinal).ToArray();
        var relinked = await ReplayKindAsync(contactScope, contacts, cancellationToken).ConfigureAwait(false);
        foreach (var (key, keys) in pending)
        {
            await store.UpdateAsync<List<string>>(key, current => [.. (current ?? []).Except(keys, StringComparer.Ordinal)], cancellationToken)
                .ConfigureAwait(false);
        }

        var summary = PageResults.Summarize(EntityKind.Contact, relinked.Count, relinked, false, null);
        await recorder.AddToRunAsync(scope.Tenant.Id, scope.RunId, summary, null, 0, false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<WorkItem>> ReplayKindAsync(PageScope scope, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var current = await Batching.InChunksAsync(keys, c => source.GetByKeysAsync(scope.Tenant, scope.Kind, c, cancellationToken), maxConcurrent: 1)
            .ConfigureAwait(false);
        var records = current.DistinctBy(r => r.Key).ToArray();
        var items = (await processor.ProcessAsync(scope, records, withOwnOrganization: false, cancellationToken).ConfigureAwait(false)).ToList();
        var gone = keys.Except(current.Select(r => r.Key), StringComparer.Ordinal).ToArray();
        foreach (var key in gone)
        {
            var item = new WorkItem(new GoneRecord { Kind = scope.Kind, Key = key, LastModifiedDateTime = scope.Now }, ExternalIds.For(scope.Kind, key));
            item.Skip("the record no longer exists in Acumatica");
            items.Add(item);
        }

        await recorder.RecordAsync(scope, items, cancellationToken).ConfigureAwait(false);
        await RelinkContactsAsync(scope, items, cancellationToken).ConfigureAwait(false);
        return items;
    }

    /// <summary>Stand-in for a queued record that Acumatica no longer has.</summary>
    private sealed record GoneRecord : AcumaticaRecord;

    /// <summary>Where a run reads <paramref name="kind"/> (<see cref="SyncStages.KindOrder"/>); kinds a run never reads come last.</summary>
    private static int RunPosition(EntityKind kind)
    {
        for (var i = 0; i < SyncStages.KindOrder.Count; i++)
        {
            if (SyncStages.KindOrder[i] == kind)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
